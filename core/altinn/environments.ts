/** What each Altinn environment means to Maskinporten and to Altinn Studio. Pure data. */
import { STUDIO_ENV_NAMES } from "./names";
import type { Environment } from "../config/parse";

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
