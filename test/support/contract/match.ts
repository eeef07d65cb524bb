import type { Ajv, ValidateFunction } from "ajv";

/** A path template (`/jobs/{id}`) as a matcher, with how many parameters it has. */
export interface PathMatcher {
  pattern: RegExp;
  params: number;
}

export function pathMatcher(template: string): PathMatcher {
  return {
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    params: (template.match(/\{/g) ?? []).length,
  };
}

/** The templates `path` matches, a static segment before a parameter, as in the router. */
export function matching<T extends PathMatcher>(routes: readonly T[], path: string): T[] {
  return routes.filter(({ pattern }) => pattern.test(path)).sort((a, b) => a.params - b.params);
}

/** What is wrong with `body` against `validate`, or undefined: not JSON, or what Ajv refuses. */
export function bodyProblem(
  where: string,
  body: string,
  validate: ValidateFunction,
  ajv: Pick<Ajv, "errorsText">,
): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `${where}: body is not JSON: ${body.slice(0, 80)}`;
  }
  if (validate(parsed)) return undefined;
  return `${where}: ${ajv.errorsText(validate.errors)} in ${body.slice(0, 200)}`;
}
