/**
 * A JQL parser for the subset of JQL the simulator evaluates (see compile.ts for the fields).
 *
 * Grammar (keywords case-insensitive; `&&`/`&`, `||`/`|`, `!` are AND, OR, NOT as in Jira):
 *
 *   query    := [or] [ORDER BY sort (',' sort)*]
 *   or       := and (OR and)*
 *   and      := not (AND not)*
 *   not      := NOT not | '(' or ')' | term
 *   term     := field op operand
 *   op       := = != < <= > >= ~ !~ IN | NOT IN | IS | IS NOT
 *   operand  := EMPTY | NULL | value | function | '(' operand (',' operand)* ')'
 *   function := word '(' [arg (',' arg)*] ')'
 *   sort     := field [ASC | DESC]
 *
 * Syntax errors throw JqlError with Jira's wording ("Error in the JQL Query: … (line 1,
 * character N)").
 */

export type JqlOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~' | 'in' | 'not in' | 'is' | 'is not';

export type JqlOperand =
  | { kind: 'value'; value: string; quoted: boolean; pos: number }
  | { kind: 'empty'; pos: number }
  | { kind: 'function'; name: string; args: string[]; pos: number }
  | { kind: 'list'; items: JqlOperand[]; pos: number };

export type JqlClause =
  | { kind: 'and'; clauses: JqlClause[] }
  | { kind: 'or'; clauses: JqlClause[] }
  | { kind: 'not'; clause: JqlClause }
  | { kind: 'term'; field: string; pos: number; op: JqlOperator; operand: JqlOperand };

export interface JqlSort {
  field: string;
  direction: 'asc' | 'desc' | undefined;
  pos: number;
}

export interface JqlQuery {
  where: JqlClause | undefined;
  orderBy: JqlSort[];
}

/** A JQL error answered as 400 with this message in errorMessages. */
export class JqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JqlError';
  }
}

type TokenType = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'and' | 'or' | 'not' | 'eof';

interface Token {
  type: TokenType;
  text: string;
  /** Offset in the query (0-based). */
  at: number;
}

const OPERATORS = ['!=', '!~', '<=', '>=', '=', '<', '>', '~'];
const WORD_STOP = new Set([' ', '\t', '\n', '\r', '(', ')', ',', '=', '!', '<', '>', '~', '"', "'", '&', '|']);

export const VALID_OPERATORS =
  "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

export class JqlParser {
  private readonly tokens: Token[];
  private i = 0;

  constructor(private readonly text: string) {
    this.tokens = this.lex();
  }

  /** "(line L, character C)" of an offset, 1-based as Jira reports it. */
  private where(at: number): string {
    const before = this.text.slice(0, at);
    const line = before.split('\n').length;
    const col = at - (before.lastIndexOf('\n') + 1) + 1;
    return `(line ${line}, character ${col})`;
  }

  private fail(message: string, at?: number): never {
    throw new JqlError(`Error in the JQL Query: ${message}${at === undefined ? '' : ` ${this.where(at)}`}`);
  }

  private lex(): Token[] {
    const s = this.text;
    const out: Token[] = [];
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (/\s/.test(c)) {
        i++;
        continue;
      }
      if (c === '(') out.push({ type: 'lparen', text: c, at: i++ });
      else if (c === ')') out.push({ type: 'rparen', text: c, at: i++ });
      else if (c === ',') out.push({ type: 'comma', text: c, at: i++ });
      else if (c === '&') {
        const len = s[i + 1] === '&' ? 2 : 1;
        out.push({ type: 'and', text: s.slice(i, i + len), at: i });
        i += len;
      } else if (c === '|') {
        const len = s[i + 1] === '|' ? 2 : 1;
        out.push({ type: 'or', text: s.slice(i, i + len), at: i });
        i += len;
      } else if (c === '"' || c === "'") {
        const start = i;
        let value = '';
        i++;
        let closed = false;
        while (i < s.length) {
          const d = s[i]!;
          if (d === '\\' && i + 1 < s.length) {
            const e = s[i + 1]!;
            if (e === 'n') value += '\n';
            else if (e === 't') value += '\t';
            else if (e === 'r') value += '\r';
            else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
              value += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
              i += 4;
            } else value += e;
            i += 2;
            continue;
          }
          if (d === c) {
            closed = true;
            i++;
            break;
          }
          value += d;
          i++;
        }
        if (!closed) this.fail(`The quoted string '${value}' has not been completed.`, start);
        out.push({ type: 'string', text: value, at: start });
      } else {
        const op = OPERATORS.find((o) => s.startsWith(o, i));
        if (op) {
          out.push({ type: 'op', text: op, at: i });
          i += op.length;
        } else if (c === '!') {
          out.push({ type: 'not', text: c, at: i++ });
        } else {
          const start = i;
          while (i < s.length && !WORD_STOP.has(s[i]!) && !/\s/.test(s[i]!)) i++;
          const word = s.slice(start, i);
          const lower = word.toLowerCase();
          const type: TokenType = lower === 'and' ? 'and' : lower === 'or' ? 'or' : lower === 'not' ? 'not' : 'word';
          out.push({ type, text: word, at: start });
        }
      }
    }
    out.push({ type: 'eof', text: '', at: s.length });
    return out;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.i++;
    return t;
  }

  private isWord(t: Token, word: string): boolean {
    return t.type === 'word' && t.text.toLowerCase() === word;
  }

  parse(): JqlQuery {
    let where: JqlClause | undefined;
    const t = this.peek();
    if (t.type !== 'eof' && !(this.isWord(t, 'order') && this.isWord(this.peek(1), 'by'))) where = this.parseOr();
    const orderBy: JqlSort[] = [];
    const after = this.peek();
    if (this.isWord(after, 'order')) {
      this.next();
      const by = this.next();
      if (!this.isWord(by, 'by')) {
        if (by.type === 'eof') this.fail("Expecting 'by' before the end of the query.");
        this.fail(`Expecting 'by' but got '${by.text}'.`, by.at);
      }
      for (;;) {
        const f = this.next();
        if (f.type === 'eof') this.fail('Expecting a field name at the end of the query.');
        if (f.type !== 'word' && f.type !== 'string') this.fail(`Expecting a field name but got '${f.text}'.`, f.at);
        const sort: JqlSort = { field: f.text, direction: undefined, pos: f.at };
        const d = this.peek();
        if (this.isWord(d, 'asc') || this.isWord(d, 'desc')) {
          this.next();
          sort.direction = d.text.toLowerCase() as 'asc' | 'desc';
        }
        orderBy.push(sort);
        const sep = this.peek();
        if (sep.type === 'comma') {
          this.next();
          continue;
        }
        if (sep.type === 'eof') break;
        this.fail(`Expecting either 'ASC', 'DESC' or ',' but got '${sep.text}'.`, sep.at);
      }
    } else if (after.type !== 'eof') {
      if (after.type === 'rparen') this.fail(`Expecting either 'OR' or 'AND' but got ')'.`, after.at);
      this.fail(`Expecting either 'OR' or 'AND' but got '${after.text}'.`, after.at);
    }
    return { where, orderBy };
  }

  private parseOr(): JqlClause {
    const clauses = [this.parseAnd()];
    while (this.peek().type === 'or') {
      this.next();
      clauses.push(this.parseAnd());
    }
    return clauses.length === 1 ? clauses[0]! : { kind: 'or', clauses };
  }

  private parseAnd(): JqlClause {
    const clauses = [this.parseNot()];
    while (this.peek().type === 'and') {
      this.next();
      clauses.push(this.parseNot());
    }
    return clauses.length === 1 ? clauses[0]! : { kind: 'and', clauses };
  }

  private parseNot(): JqlClause {
    const t = this.peek();
    if (t.type === 'not') {
      this.next();
      return { kind: 'not', clause: this.parseNot() };
    }
    if (t.type === 'lparen') {
      this.next();
      const inner = this.parseOr();
      const close = this.next();
      if (close.type !== 'rparen') {
        if (close.type === 'eof') this.fail("Expecting ')' before the end of the query.");
        this.fail(`Expecting ')' but got '${close.text}'.`, close.at);
      }
      return inner;
    }
    return this.parseTerm();
  }

  private parseTerm(): JqlClause {
    const f = this.next();
    if (f.type === 'eof') this.fail('Expecting a field name at the end of the query.');
    if (f.type !== 'word' && f.type !== 'string') this.fail(`Expecting a field name but got '${f.text}'.`, f.at);
    const op = this.parseOperator();
    const operand = this.parseOperand();
    return { kind: 'term', field: f.text, pos: f.at, op, operand };
  }

  private parseOperator(): JqlOperator {
    const t = this.next();
    if (t.type === 'op') return t.text as JqlOperator;
    if (this.isWord(t, 'in')) return 'in';
    if (t.type === 'not' && t.text.toLowerCase() === 'not' && this.isWord(this.peek(), 'in')) {
      this.next();
      return 'not in';
    }
    if (this.isWord(t, 'is')) {
      if (this.peek().type === 'not') {
        this.next();
        return 'is not';
      }
      return 'is';
    }
    if (t.type === 'eof') this.fail(`Expecting operator before the end of the query. ${VALID_OPERATORS}`);
    this.fail(`Expecting operator but got '${t.text}'. ${VALID_OPERATORS}`, t.at);
  }

  private parseOperand(): JqlOperand {
    const t = this.next();
    if (t.type === 'eof') this.fail('Expecting either a value, list or function before the end of the query.');
    if (t.type === 'lparen') {
      const items: JqlOperand[] = [];
      if (this.peek().type === 'rparen') this.fail(`Expecting a value but got ')'.`, this.peek().at);
      for (;;) {
        items.push(this.parseOperand());
        const sep = this.next();
        if (sep.type === 'comma') continue;
        if (sep.type === 'rparen') break;
        if (sep.type === 'eof') this.fail("Expecting ')' before the end of the query.");
        this.fail(`Expecting ',' or ')' but got '${sep.text}'.`, sep.at);
      }
      return { kind: 'list', items, pos: t.at };
    }
    if (t.type === 'string') return { kind: 'value', value: t.text, quoted: true, pos: t.at };
    if (t.type === 'word') {
      const lower = t.text.toLowerCase();
      if (this.peek().type === 'lparen') {
        this.next();
        const args: string[] = [];
        if (this.peek().type === 'rparen') this.next();
        else
          for (;;) {
            const a = this.next();
            if (a.type !== 'word' && a.type !== 'string') {
              if (a.type === 'eof') this.fail("Expecting ')' before the end of the query.");
              this.fail(`Expecting a function argument but got '${a.text}'.`, a.at);
            }
            args.push(a.text);
            const sep = this.next();
            if (sep.type === 'comma') continue;
            if (sep.type === 'rparen') break;
            if (sep.type === 'eof') this.fail("Expecting ')' before the end of the query.");
            this.fail(`Expecting ',' or ')' but got '${sep.text}'.`, sep.at);
          }
        return { kind: 'function', name: t.text, args, pos: t.at };
      }
      if (lower === 'empty' || lower === 'null') return { kind: 'empty', pos: t.at };
      return { kind: 'value', value: t.text, quoted: false, pos: t.at };
    }
    this.fail(`Expecting either a value, list or function but got '${t.text}'.`, t.at);
  }
}

export function parseJql(text: string): JqlQuery {
  return new JqlParser(text).parse();
}
