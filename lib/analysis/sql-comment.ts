// Text printed inside a `-- …` SQL comment (the `analyze --sql` header and its parameter lines).
// A comment ends at a line break, so a stored value with one (an id written to the database
// directly) would start an executable line in a script someone pastes into a console. Every
// control, line/paragraph separator and format character (bidi overrides too) is escaped as \u{…}.

const UNSAFE_IN_COMMENT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

export function commentText(value: string): string {
  return value.replace(UNSAFE_IN_COMMENT, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
