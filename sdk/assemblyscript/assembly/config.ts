// A processor's configuration: the `--config K=V` pairs the host passes once per instance
// (weft: weft_init's block; elastic: register's JSON object).

/** Configuration entries as strings, in the order the host gave them. */
export class Config {
  keys: Array<string> = new Array<string>();
  values: Array<string> = new Array<string>();

  /** Adds or replaces an entry. */
  set(key: string, value: string): void {
    const i = this.keys.indexOf(key);
    if (i >= 0) this.values[i] = value;
    else {
      this.keys.push(key);
      this.values.push(value);
    }
  }

  has(key: string): bool {
    return this.keys.indexOf(key) >= 0;
  }

  /** The value of `key`, or `fallback` when the configuration does not set it. */
  get(key: string, fallback: string = ""): string {
    const i = this.keys.indexOf(key);
    return i >= 0 ? this.values[i] : fallback;
  }

  get size(): i32 {
    return this.keys.length;
  }
}
