// The libraries attestation checks need (attestations.ts), gathered in one module so that the
// bundle keeps them in a file of their own (_sigstore.mjs, ~220 KB), loaded only by builds of a
// project that asks for attestations, never at every command's start.
export { bundleFromJSON } from "@sigstore/bundle";
export { ASN1Obj } from "@sigstore/core";
export { TrustedRoot } from "@sigstore/protobuf-specs";
export { Verifier, toSignedEntity, toTrustMaterial } from "@sigstore/verify";
export { uncompress } from "snappyjs";
export { default as tufSeeds } from "@sigstore/tuf/seeds.json" with { type: "json" };
