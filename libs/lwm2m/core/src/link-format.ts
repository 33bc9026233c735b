import { Lwm2mCodecError } from './codec-error';

/**
 * CoRE Link Format (RFC 6690 §2): `</3/0>;ver=1.1;rt="oma.lwm2m",</5>`. Used by LwM2M for the Register and
 * Update payloads (Core 1.1.1 §6.2.1), Discover responses (§5.4.1) and Corelnk resource values (Appendix C).
 */
export interface LinkAttribute {
  readonly name: string;
  /** Undefined for a valueless parameter (`;hb`, `;Q`). */
  readonly value?: string;
  /** True when the value was (or must be) written as a quoted-string. */
  readonly quoted?: boolean;
}

export interface Link {
  readonly uri: string;
  readonly attributes: readonly LinkAttribute[];
}

export interface LinkFormatLimits {
  /** Longest document accepted, in characters (default 65536). */
  readonly maxLength?: number;
  /** Most links accepted (default 1024). */
  readonly maxLinks?: number;
  /** Most attributes per link (default 32). */
  readonly maxAttributes?: number;
}

export const DEFAULT_LINK_FORMAT_LIMITS: Required<LinkFormatLimits> = {
  maxLength: 65536,
  maxLinks: 1024,
  maxAttributes: 32,
};

// RFC 6690 §2: parmname = 1*( ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" )
const PARMNAME_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~*]/;
// RFC 6690 §2: ptokenchar (no ",", ";", DQUOTE, "\" or whitespace).
const PTOKEN_CHAR = /[!#$%&'()*+\-./0-9:<=>?@A-Z[\]^_`a-z{|}~]/;

export function getAttribute(link: Link, name: string): LinkAttribute | undefined {
  return link.attributes.find((a) => a.name === name);
}

/** Parses a link-format document. Throws Lwm2mCodecError('invalid-link') with the character offset. */
export function parseLinkFormat(text: string, limits: LinkFormatLimits = {}): Link[] {
  const lim = { ...DEFAULT_LINK_FORMAT_LIMITS, ...limits };
  if (text.length > lim.maxLength) {
    throw new Lwm2mCodecError(
      'payload-too-large',
      `link-format document longer than ${lim.maxLength} characters`,
    );
  }
  const links: Link[] = [];
  let i = 0;
  const fail = (message: string): never => {
    throw new Lwm2mCodecError('invalid-link', message, { offset: i, record: links.length });
  };
  const skipSpaces = () => {
    // Tolerated around separators: several clients emit "</1/0>, </3/0>".
    while (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t') i++;
  };
  skipSpaces();
  if (i === text.length) return links;
  for (;;) {
    if (links.length >= lim.maxLinks) {
      throw new Lwm2mCodecError('too-many-records', `more than ${lim.maxLinks} links`, { offset: i });
    }
    if (text[i] !== '<') fail('expected "<" starting a link');
    const end = text.indexOf('>', i + 1);
    if (end < 0) fail('unterminated "<URI-Reference>"');
    const uri = text.slice(i + 1, end);
    if (/[<\s",;]/.test(uri)) fail(`invalid character in URI-Reference "${uri}"`);
    i = end + 1;
    const attributes: LinkAttribute[] = [];
    while (text[i] === ';') {
      i++;
      if (attributes.length >= lim.maxAttributes) fail(`more than ${lim.maxAttributes} attributes`);
      const start = i;
      while (i < text.length && PARMNAME_CHAR.test(text[i] as string)) i++;
      if (i === start) fail('expected a parameter name after ";"');
      const name = text.slice(start, i);
      if (text[i] !== '=') {
        attributes.push({ name });
        continue;
      }
      i++;
      if (text[i] === '"') {
        let value = '';
        i++;
        for (;;) {
          const c = text[i];
          if (c === undefined) fail(`unterminated quoted-string for "${name}"`);
          i++;
          if (c === '"') break;
          if (c === '\\') {
            const next = text[i];
            if (next === undefined) fail('unterminated quoted-pair');
            value += next;
            i++;
          } else value += c;
        }
        attributes.push({ name, value, quoted: true });
      } else {
        const vstart = i;
        while (i < text.length && PTOKEN_CHAR.test(text[i] as string)) i++;
        if (i === vstart) fail(`empty value for "${name}"`);
        attributes.push({ name, value: text.slice(vstart, i) });
      }
    }
    links.push({ uri, attributes });
    skipSpaces();
    if (i === text.length) return links;
    if (text[i] !== ',') fail('expected "," or ";" after a link');
    i++;
    skipSpaces();
  }
}

/** Serializes links; values are quoted when flagged so or when they are not a valid ptoken. */
export function serializeLinkFormat(links: readonly Link[]): string {
  return links
    .map((link) => {
      let out = `<${link.uri}>`;
      for (const a of link.attributes) {
        out += `;${a.name}`;
        if (a.value === undefined) continue;
        const needsQuotes = a.quoted || a.value === '' || ![...a.value].every((c) => PTOKEN_CHAR.test(c));
        out += needsQuotes ? `="${a.value.replace(/["\\]/g, (c) => '\\' + c)}"` : `=${a.value}`;
      }
      return out;
    })
    .join(',');
}
