// A small force layout for the 2D fallback: repulsion between all nodes, springs along links, a pull
// to the centre, a fixed number of ticks after each change (then it rests: no work while idle).
// Nodes with a world position are pulled towards it instead of the centre (not pinned: many agents
// stand on the same spawn point, and repulsion keeps them readable). Positions are kept by id across
// updates, so a new node does not move the others. Pure: no DOM.
import type { GraphModel } from './graph-model.ts';

export interface Point {
  x: number;
  y: number;
  vx: number;
  vy: number;
  /** Where the world puts it, in canvas pixels, if it has a world position. */
  ax?: number;
  ay?: number;
}

/** World coordinates run 0..WORLD_SIZE on both axes (src/agent/world). */
export const WORLD_SIZE = 1000;

export class ForceLayout {
  readonly points = new Map<string, Point>();
  /** The drawn nodes' points in model order: the hot loop walks an array, not the map. */
  private list: Point[] = [];
  private edges: Array<[Point, Point]> = [];
  private ticksLeft = 0;

  constructor(
    public width: number,
    public height: number,
    private readonly cooldownTicks = 160,
  ) {}

  get resting(): boolean {
    return this.ticksLeft <= 0;
  }

  set(model: GraphModel): void {
    const keep = new Set(model.nodes.map((n) => n.id));
    for (const id of [...this.points.keys()]) if (!keep.has(id)) this.points.delete(id);
    const margin = 48;
    model.nodes.forEach((n, i) => {
      let p = this.points.get(n.id);
      const anchored = n.x !== undefined && n.y !== undefined;
      const ax = anchored ? margin + (Math.min(WORLD_SIZE, Math.max(0, n.x!)) / WORLD_SIZE) * (this.width - 2 * margin) : undefined;
      const ay = anchored ? margin + (Math.min(WORLD_SIZE, Math.max(0, n.y!)) / WORLD_SIZE) * (this.height - 2 * margin) : undefined;
      if (!p) {
        // New nodes start at their world spot or on a golden-angle spiral (spread out, same for the same order),
        // nudged by their index so nodes on one spot do not start exactly on top of each other.
        const a = i * 2.399963;
        const r = 12 * Math.sqrt(i + 1);
        p = { x: (ax ?? this.width / 2) + r * Math.cos(a), y: (ay ?? this.height / 2) + r * Math.sin(a), vx: 0, vy: 0 };
        this.points.set(n.id, p);
      }
      p.ax = ax;
      p.ay = ay;
    });
    this.list = model.nodes.map((n) => this.points.get(n.id)!);
    this.edges = [];
    for (const l of model.links) {
      const a = this.points.get(l.source);
      const b = this.points.get(l.target);
      if (a && b) this.edges.push([a, b]);
    }
    this.ticksLeft = this.cooldownTicks;
  }

  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.ticksLeft = this.cooldownTicks;
  }

  /** One step; false once resting. Allocates nothing. */
  tick(): boolean {
    if (this.ticksLeft <= 0) return false;
    this.ticksLeft--;
    const alpha = Math.max(0.02, this.ticksLeft / this.cooldownTicks);
    const pts = this.list;
    const n = pts.length;
    const k = Math.sqrt((this.width * this.height) / Math.max(1, n)) * 0.6;
    for (let i = 0; i < n; i++) {
      const a = pts[i]!;
      for (let j = i + 1; j < n; j++) {
        const b = pts[j]!;
        let dx = a.x - b.x;
        let dy = a.y - b.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 0.01) {
          dx = (i - j) * 0.1;
          dy = 0.1;
          d2 = dx * dx + dy * dy;
        }
        const f = (k * k) / d2;
        a.vx += dx * f * 0.05;
        a.vy += dy * f * 0.05;
        b.vx -= dx * f * 0.05;
        b.vy -= dy * f * 0.05;
      }
    }
    for (const [a, b] of this.edges) {
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const d = Math.sqrt(dx * dx + dy * dy) || 1;
      const f = ((d - k) / d) * 0.05;
      a.vx += dx * f;
      a.vy += dy * f;
      b.vx -= dx * f;
      b.vy -= dy * f;
    }
    const cx = this.width / 2;
    const cy = this.height / 2;
    // Room for the label under each node and half its width at the sides.
    const mx = Math.min(48, this.width / 4);
    const top = 16;
    const bottom = 30;
    for (let i = 0; i < n; i++) {
      const p = pts[i]!;
      if (p.ax !== undefined && p.ay !== undefined) {
        p.vx += (p.ax - p.x) * 0.08;
        p.vy += (p.ay - p.y) * 0.08;
      } else {
        p.vx += (cx - p.x) * 0.01;
        p.vy += (cy - p.y) * 0.01;
      }
      // Cap the step so a crowded start cannot fling nodes away.
      const sp = Math.sqrt(p.vx * p.vx + p.vy * p.vy);
      const cap = 20 * alpha + 1;
      if (sp > cap) {
        p.vx = (p.vx / sp) * cap;
        p.vy = (p.vy / sp) * cap;
      }
      p.x = Math.min(this.width - mx, Math.max(mx, p.x + p.vx * alpha));
      p.y = Math.min(this.height - bottom, Math.max(top, p.y + p.vy * alpha));
      p.vx *= 0.6;
      p.vy *= 0.6;
    }
    return this.ticksLeft > 0;
  }
}
