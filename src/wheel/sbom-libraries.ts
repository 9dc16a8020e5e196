// The libraries the SBOM is written with (sbom.ts), gathered in one module so that the bundle
// keeps them in a file of their own (_sbom.mjs), loaded by wheel builds only. Only the parts that
// build and serialize a BOM: the library's validators and schema files are for the tests.
export * as Enums from "@cyclonedx/cyclonedx-library/Enums";
export * as Models from "@cyclonedx/cyclonedx-library/Models";
export * as Serialize from "@cyclonedx/cyclonedx-library/Serialize";
export * as Spec from "@cyclonedx/cyclonedx-library/Spec";
export { PackageURL } from "packageurl-js";
