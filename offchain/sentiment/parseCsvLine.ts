import { SentimentInputError } from "./errors.js";

/**
 * Splits one RFC 4180 CSV line: fields may be double-quoted, quotes inside doubled ("").
 *
 * @example
 * parseCsvLine('1,Pub,"A, ""quoted"" headline"') // ["1", "Pub", 'A, "quoted" headline']
 */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let field = "";
      i++;
      for (;;) {
        if (i >= line.length) throw new SentimentInputError(`unterminated quoted field in CSV line: ${line}`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ",")
        throw new SentimentInputError(`text after a closing quote at column ${i} in CSV line: ${line}`);
      out.push(field);
      i++;
    } else {
      const end = line.indexOf(",", i);
      const stop = end === -1 ? line.length : end;
      out.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return out;
}
