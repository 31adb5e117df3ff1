/**
 * Turns a TypeBox (JSON Schema) definition into a Kubernetes structural
 * OpenAPI v3 schema (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema):
 * unions of literals become `enum`, records become `additionalProperties`,
 * int-or-string keeps `anyOf` with the pattern lifted to the top, and keywords
 * apiextensions does not know (`$id`, `const`, `patternProperties`) are removed.
 */

export type JsonSchema = Record<string, unknown>;

const isObject = (v: unknown): v is JsonSchema => typeof v === "object" && v !== null && !Array.isArray(v);

function literalEnum(anyOf: unknown[]): unknown[] | null {
  const values: unknown[] = [];
  for (const branch of anyOf) {
    if (!isObject(branch) || !("const" in branch)) return null;
    values.push(branch.const);
  }
  return values;
}

function intOrString(schema: JsonSchema): JsonSchema {
  const { anyOf, ...rest } = schema;
  const branches = (anyOf as JsonSchema[]).map((b) => ({ type: b.type }));
  const withPattern = (anyOf as JsonSchema[]).find((b) => typeof b.pattern === "string");
  return { ...rest, anyOf: branches, ...(withPattern ? { pattern: withPattern.pattern } : {}) };
}

/**
 * Converts one schema node and its children.
 * @param schema - a JSON Schema node as TypeBox emits it (symbols are ignored).
 * @returns a new structural schema node; the input is not changed.
 */
export function toStructural(schema: JsonSchema): JsonSchema {
  const plain = JSON.parse(JSON.stringify(schema)) as JsonSchema;
  return convert(plain);
}

/** A union node as apiextensions wants it: literals → enum, int-or-string kept; null for other nodes. */
function convertUnion(node: JsonSchema): JsonSchema | null {
  if (!Array.isArray(node.anyOf)) return null;
  const values = literalEnum(node.anyOf);
  if (values) {
    const { anyOf: _a, ...rest } = node;
    return { ...rest, type: typeof values[0] === "string" ? "string" : "integer", enum: values };
  }
  return node["x-kubernetes-int-or-string"] === true ? intOrString(node) : null;
}

function convert(node: JsonSchema): JsonSchema {
  const union = convertUnion(node);
  if (union) return union;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$id" || key === "const") continue;
    if (key === "patternProperties" && isObject(value)) {
      const only = Object.values(value)[0];
      if (isObject(only)) out.additionalProperties = convert(only);
      continue;
    }
    if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v as JsonSchema)]));
    } else if (key === "items" && isObject(value)) {
      out.items = convert(value);
    } else {
      out[key] = value;
    }
  }
  if (out.type === "object" && out.required && (out.required as unknown[]).length === 0) delete out.required;
  return out;
}
