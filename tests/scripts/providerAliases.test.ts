import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { dropProviderAliases, isProviderAliases } from "../../scripts/offline/providerAliases";

/** A type alias as azure-native gives a Key Vault secret, one per API version. */
const apiVersion = (version: string) => ({ type: `azure-native:keyvault/${version}:Secret` });

describe("the offline evaluation's provider aliases", () => {
    it("are options that hold only type aliases, as provider SDKs merge them", () => {
        expect(isProviderAliases({ aliases: [apiVersion("v20230201"), apiVersion("v20241101")] })).toBe(true);
        expect(isProviderAliases({ aliases: [{ name: "old-name" }] })).toBe(false);
        expect(isProviderAliases({ aliases: [{ type: "t" }], parent: undefined })).toBe(false);
        expect(isProviderAliases({ protect: true })).toBe(false);
        expect(isProviderAliases(undefined)).toBe(false);
    });

    it("are left out of merged options; every other option, aliases a program sets included, is kept", () => {
        dropProviderAliases();
        dropProviderAliases();
        const merged = pulumi.mergeOptions({ protect: true }, { aliases: [apiVersion("v20230201")] });
        expect(merged).toEqual({ protect: true });
        expect(pulumi.mergeOptions({}, { aliases: [{ type: "a:b:C" }], protect: true })).toEqual({ aliases: [{ type: "a:b:C" }], protect: true });
        expect(pulumi.mergeOptions({}, { aliases: [{ name: "old" }] })).toEqual({ aliases: [{ name: "old" }] });
    });
});
