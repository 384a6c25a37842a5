/** What each Altinn environment means to Maskinporten and to Altinn Studio, and which a stack's name calls for. Pure. */
import { STUDIO_ENV_NAMES } from "./names";
import type { Environment } from "../config/model";

export interface EnvironmentFacts {
    /** Maskinporten issuer/audience (builtin client's `Authority`). */
    maskinportenAuthority: string;
    /** The legacy client's `Environment` setting (never the retired ver1/ver2). */
    legacyEnvironment: "test" | "prod";
    /** Altinn Studio's name for the environment in the deployments API. */
    studioEnvName: string;
}

export const ENVIRONMENT_FACTS: Record<Environment, EnvironmentFacts> = {
    tt02: { maskinportenAuthority: "https://test.maskinporten.no/", legacyEnvironment: "test", studioEnvName: STUDIO_ENV_NAMES.tt02 },
    prod: { maskinportenAuthority: "https://maskinporten.no/", legacyEnvironment: "prod", studioEnvName: STUDIO_ENV_NAMES.prod },
};

const NAMED = new RegExp(`(?:^|-)(${Object.keys(ENVIRONMENT_FACTS).join("|")})$`, "i");

/** The environment a stack named after one manages (`tt02`, `ttd-prod`), or undefined for any other name. */
export function environmentNamedBy(stack: string): Environment | undefined {
    return NAMED.exec(stack)?.[1]?.toLowerCase() as Environment | undefined;
}
