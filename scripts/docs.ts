/** `npm run docs`: regenerate README.md's config reference from components/schema.ts. */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { withConfigReference } from "./lib/configDocs";

const readme = path.resolve(__dirname, "..", "README.md");
writeFileSync(readme, withConfigReference(readFileSync(readme, "utf8")));
console.log("README.md config reference updated");
