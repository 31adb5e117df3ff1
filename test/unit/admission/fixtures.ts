/** Loading the AdmissionReview fixtures of test/fixtures/admission. */
import { readFileSync } from "node:fs";
import type { AdmissionRequest, AdmissionReview } from "../../../webhooks/admission/types.js";

export function fixture(name: string): AdmissionRequest {
  const url = new URL(`../../fixtures/admission/${name}.json`, import.meta.url);
  const review = JSON.parse(readFileSync(url, "utf8")) as AdmissionReview;
  if (!review.request) throw new Error(`${name}: no request`);
  return review.request;
}
