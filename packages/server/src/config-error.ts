/** A bad environment variable; the message names the variable and the value it held. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly variable: string;
  readonly value: string;

  constructor(variable: string, value: string, expected: string) {
    super(`Invalid ${variable}=${JSON.stringify(value)}: expected ${expected}`);
    this.variable = variable;
    this.value = value;
  }
}
