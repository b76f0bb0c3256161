// Avatars that render everywhere: small SVG drawings made from our own shapes, never a font emoji (a
// machine without an emoji font shows empty boxes). A look names one of the shipped drawings; anything
// else a peer sends (an unknown name, an old emoji, markup) gets a pattern generated from its JID, so
// peer text never reaches the SVG. Pure: the page, the world view's canvas and 3D labels share it.

export const AVATAR_IDS = ['octopus', 'crab', 'shell', 'fish', 'squid', 'turtle', 'dolphin', 'jelly', 'seal', 'star', 'wave', 'robot'] as const;
export type AvatarId = (typeof AVATAR_IDS)[number];

/** Names for the picker and for screen readers. */
export const AVATAR_NAMES: Record<AvatarId, string> = {
  octopus: 'Octopus',
  crab: 'Crab',
  shell: 'Shell',
  fish: 'Fish',
  squid: 'Squid',
  turtle: 'Turtle',
  dolphin: 'Dolphin',
  jelly: 'Jellyfish',
  seal: 'Seal',
  star: 'Starfish',
  wave: 'Wave',
  robot: 'Robot',
};

/** Looks saved before the drawings existed held these emoji. */
const LEGACY_EMOJI: Record<string, AvatarId> = {
  '🐙': 'octopus',
  '🦀': 'crab',
  '🐚': 'shell',
  '🐠': 'fish',
  '🦑': 'squid',
  '🐢': 'turtle',
  '🐬': 'dolphin',
  '🪼': 'jelly',
  '🦭': 'seal',
  '⭐': 'star',
  '🌊': 'wave',
  '🤖': 'robot',
};

type Ink = 'fg' | 'dark' | 'accent';
export type Shape =
  | { kind: 'circle'; cx: number; cy: number; r: number; ink: Ink }
  | { kind: 'ellipse'; cx: number; cy: number; rx: number; ry: number; ink: Ink }
  | { kind: 'rect'; x: number; y: number; w: number; h: number; ink: Ink }
  | { kind: 'path'; d: string; ink: Ink };

export interface AvatarArt {
  /** A drawing's id, or 'generated'. */
  id: AvatarId | 'generated';
  background: string;
  shapes: Shape[];
}

const eyes = (y: number, dx = 7, r = 3): Shape[] => [
  { kind: 'circle', cx: 32 - dx, cy: y, r, ink: 'dark' },
  { kind: 'circle', cx: 32 + dx, cy: y, r, ink: 'dark' },
];

// A 64×64 canvas; 'fg' is near-white, 'dark' the eyes and lines, 'accent' a lighter tint of the colour.
const DRAWINGS: Record<AvatarId, Shape[]> = {
  octopus: [
    { kind: 'ellipse', cx: 32, cy: 26, rx: 15, ry: 14, ink: 'fg' },
    { kind: 'path', d: 'M18 34 q-4 14 -8 16 M25 38 q-2 12 -5 16 M32 39 v17 M39 38 q2 12 5 16 M46 34 q4 14 8 16', ink: 'fg' },
    ...eyes(26, 6),
  ],
  crab: [
    { kind: 'ellipse', cx: 32, cy: 36, rx: 16, ry: 11, ink: 'fg' },
    { kind: 'circle', cx: 13, cy: 22, r: 6, ink: 'fg' },
    { kind: 'circle', cx: 51, cy: 22, r: 6, ink: 'fg' },
    { kind: 'path', d: 'M17 27 l6 6 M47 27 l-6 6 M20 45 l-6 6 M44 45 l6 6', ink: 'fg' },
    ...eyes(33, 6),
  ],
  shell: [
    { kind: 'path', d: 'M12 44 Q32 6 52 44 Z', ink: 'fg' },
    { kind: 'path', d: 'M32 18 V42 M23 25 L27 42 M41 25 L37 42', ink: 'accent' },
    { kind: 'rect', x: 26, y: 44, w: 12, h: 6, ink: 'accent' },
  ],
  fish: [
    { kind: 'ellipse', cx: 29, cy: 32, rx: 16, ry: 11, ink: 'fg' },
    { kind: 'path', d: 'M44 32 L56 22 L56 42 Z', ink: 'fg' },
    { kind: 'circle', cx: 21, cy: 29, r: 3, ink: 'dark' },
    { kind: 'path', d: 'M31 24 q4 8 0 16', ink: 'accent' },
  ],
  squid: [
    { kind: 'path', d: 'M32 8 L46 30 L18 30 Z', ink: 'fg' },
    { kind: 'rect', x: 20, y: 28, w: 24, h: 12, ink: 'fg' },
    { kind: 'path', d: 'M22 40 v14 M28 40 v17 M36 40 v17 M42 40 v14', ink: 'fg' },
    ...eyes(34, 5, 2.5),
  ],
  turtle: [
    { kind: 'ellipse', cx: 30, cy: 34, rx: 17, ry: 12, ink: 'fg' },
    { kind: 'circle', cx: 51, cy: 30, r: 6, ink: 'accent' },
    { kind: 'path', d: 'M21 30 l9 5 l9 -5 M30 35 v8', ink: 'accent' },
    { kind: 'circle', cx: 53, cy: 28, r: 1.6, ink: 'dark' },
  ],
  dolphin: [
    { kind: 'path', d: 'M10 38 Q24 18 46 24 L56 20 L52 30 Q40 44 18 42 Z', ink: 'fg' },
    { kind: 'path', d: 'M30 24 L34 14 L38 25 Z', ink: 'fg' },
    { kind: 'circle', cx: 42, cy: 28, r: 2, ink: 'dark' },
  ],
  jelly: [
    { kind: 'path', d: 'M14 32 Q14 12 32 12 Q50 12 50 32 Z', ink: 'fg' },
    { kind: 'path', d: 'M20 32 q-3 10 2 20 M28 32 q-3 10 2 22 M36 32 q3 10 -2 22 M44 32 q3 10 -2 20', ink: 'accent' },
    ...eyes(25, 6, 2.5),
  ],
  seal: [
    { kind: 'ellipse', cx: 32, cy: 36, rx: 17, ry: 15, ink: 'fg' },
    { kind: 'circle', cx: 32, cy: 42, r: 4, ink: 'accent' },
    { kind: 'circle', cx: 32, cy: 40, r: 2, ink: 'dark' },
    ...eyes(32, 7),
    { kind: 'path', d: 'M20 42 h-8 M20 45 h-8 M44 42 h8 M44 45 h8', ink: 'dark' },
  ],
  star: [{ kind: 'path', d: 'M32 8 L38 25 L56 25 L41 36 L47 54 L32 43 L17 54 L23 36 L8 25 L26 25 Z', ink: 'fg' }, ...eyes(30, 5, 2)],
  wave: [
    { kind: 'path', d: 'M6 42 Q16 22 28 32 Q38 42 46 28 Q50 20 58 24 L58 52 L6 52 Z', ink: 'fg' },
    { kind: 'path', d: 'M6 46 Q18 36 30 44 Q42 52 58 40', ink: 'accent' },
  ],
  robot: [
    { kind: 'rect', x: 16, y: 20, w: 32, h: 26, ink: 'fg' },
    { kind: 'rect', x: 30, y: 10, w: 4, h: 10, ink: 'fg' },
    { kind: 'circle', cx: 32, cy: 10, r: 3, ink: 'accent' },
    { kind: 'rect', x: 22, y: 28, w: 7, h: 7, ink: 'dark' },
    { kind: 'rect', x: 35, y: 28, w: 7, h: 7, ink: 'dark' },
    { kind: 'rect', x: 24, y: 39, w: 16, h: 3, ink: 'dark' },
  ],
};

const isId = (s: string): s is AvatarId => (AVATAR_IDS as readonly string[]).includes(s);

/** The drawing a look names (a shipped id or an old emoji), if any. */
export function avatarId(look: string | undefined): AvatarId | undefined {
  const t = (look ?? '').trim();
  return isId(t) ? t : LEGACY_EMOJI[t];
}

function hash(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.codePointAt(0)!, 16777619) >>> 0;
  return h;
}

/** A colour from a seed, readable under near-white drawings. */
export function colorFrom(seed: string): string {
  const hue = hash(seed) % 360;
  return hsl(hue, 0.55, 0.4);
}

function hsl(h: number, s: number, l: number): string {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** A symmetric 5×5 pattern from the JID: the same agent looks the same on every page. */
function generated(seed: string): Shape[] {
  const bits = hash(`${seed}#pattern`);
  const shapes: Shape[] = [];
  for (let row = 0; row < 5; row++)
    for (let col = 0; col < 3; col++) {
      if (!((bits >>> (row * 3 + col)) & 1)) continue;
      for (const c of col === 2 ? [2] : [col, 4 - col]) shapes.push({ kind: 'rect', x: 14 + c * 7.2, y: 14 + row * 7.2, w: 7.2, h: 7.2, ink: 'fg' });
    }
  return shapes.length ? shapes : [{ kind: 'circle', cx: 32, cy: 32, r: 12, ink: 'fg' }];
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** What to draw for an agent: its chosen drawing and colour, or a pattern from its JID. */
export function avatarArt(look: { avatar?: string; color?: string } | undefined, seed: string): AvatarArt {
  const id = avatarId(look?.avatar);
  const background = look?.color && COLOR.test(look.color) ? look.color : colorFrom(seed);
  return id ? { id, background, shapes: DRAWINGS[id] } : { id: 'generated', background, shapes: generated(seed) };
}

export const INKS: Record<Ink, string> = { fg: '#f8fafc', dark: '#0f172a', accent: '#bae6fd' };
const strokeOnly = (s: Shape) => s.kind === 'path' && !/[Zz]\s*$/.test(s.d);

/** The drawing as SVG text (only our own numbers and colours go in), for canvases and data URLs. */
export function avatarSvg(art: AvatarArt, size = 64): string {
  const body = art.shapes
    .map((s) => {
      const paint = strokeOnly(s) ? `fill="none" stroke="${INKS[s.ink]}" stroke-width="3.5" stroke-linecap="round"` : `fill="${INKS[s.ink]}"`;
      if (s.kind === 'circle') return `<circle cx="${s.cx}" cy="${s.cy}" r="${s.r}" ${paint}/>`;
      if (s.kind === 'ellipse') return `<ellipse cx="${s.cx}" cy="${s.cy}" rx="${s.rx}" ry="${s.ry}" ${paint}/>`;
      if (s.kind === 'rect') return `<rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="1.5" ${paint}/>`;
      return `<path d="${s.d}" ${paint}/>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64"><circle cx="32" cy="32" r="32" fill="${art.background}"/>${body}</svg>`;
}

export function avatarDataUrl(art: AvatarArt, size = 64): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(avatarSvg(art, size))}`;
}

/** How a shape is painted in markup (the Svelte component draws the same shapes). */
export function paintOf(s: Shape): { fill: string; stroke?: string } {
  return strokeOnly(s) ? { fill: 'none', stroke: INKS[s.ink] } : { fill: INKS[s.ink] };
}
