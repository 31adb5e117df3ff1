/** Public surface of the pure validation (see each file for the rules). */
export { validate, mergeErrors, CREATE_RULES, UPDATE_RULES, DELETE_RULES } from "./validate.js";
export { validateDocument, type DocumentResult } from "./validate-document.js";
export { formatErrors, formatWarnings } from "./format-errors.js";
export { errorLine, type FieldError, type FieldErrorType } from "./field-error.js";
export { OFFLINE_FACTS, type HostnameClaim, type Operation, type ValidationFacts, type ValidationResult } from "./types.js";
export { RESERVED_ENV_NAMES, RESERVED_ENV_PREFIXES, ENV_PREFIX, isReservedEnvName } from "./reserved-env.js";
export { MAX_NAME_LENGTH } from "./rules/metadata-name.js";
export { compareQuantities, parseQuantity } from "./quantity.js";
export { compareReleaseVersions, parseReleaseVersion } from "./release-version.js";
