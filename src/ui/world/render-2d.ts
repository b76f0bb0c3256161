// The 2D fallback: the same model on a canvas (force layout, or world positions when known), pulses
// as dots moving from sender to receiver. Names are drawn with fillText: text, never markup. The
// animation loop runs only while the layout moves or a pulse travels.
import { LINK_COLORS, type GraphModel, type GraphNode } from './graph-model.ts';
import { ForceLayout } from './layout-2d.ts';
import { PULSE_COLORS, type Pulse } from './pulses.ts';
import type { RendererOptions, WorldRenderer } from './renderer.ts';
import { agentId } from './graph-model.ts';

const PULSE_MS = 1200;
const R = 11;

export function createRenderer2d(o: RendererOptions): WorldRenderer {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('aria-hidden', 'true'); // the node list beside it is the accessible view
  o.container.replaceChildren(canvas);
  const ctx = canvas.getContext('2d')!;
  const layout = new ForceLayout(o.width, o.height);
  let nodes: GraphModel['nodes'] = [];
  let links: GraphModel['links'] = [];
  let raf = 0;
  let dpr = 1;
  /** Label widths, measured once per update (measuring every frame would allocate). */
  const widths = new Map<string, number>();
  const FONT = '11px system-ui, sans-serif';

  function size(w: number, h: number) {
    dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    layout.resize(w, h);
  }

  function draw(now: number) {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, layout.width, layout.height);
    ctx.lineWidth = 1.5;
    for (const l of links) {
      const a = layout.points.get(l.source);
      const b = layout.points.get(l.target);
      if (!a || !b) continue;
      ctx.strokeStyle = LINK_COLORS[l.kind];
      ctx.globalAlpha = l.kind === 'talk' ? 0.5 : 0.7;
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const n of nodes) {
      const p = layout.points.get(n.id);
      if (!p) continue;
      ctx.fillStyle = n.color;
      ctx.globalAlpha = n.online ? 1 : 0.35;
      ctx.beginPath();
      if (n.kind === 'place' || n.kind === 'treasure') ctx.rect(p.x - R, p.y - R, 2 * R, 2 * R);
      else ctx.arc(p.x, p.y, n.kind === 'self' ? R + 3 : R, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = '#fff';
      ctx.font = FONT;
      ctx.fillText(n.avatar, p.x, p.y);
      ctx.fillStyle = '#1b2430';
      // Keep the whole label on the canvas.
      const half = (widths.get(n.id) ?? 0) / 2 + 2;
      ctx.fillText(n.label, Math.min(layout.width - half, Math.max(half, p.x)), p.y + R + 9);
    }
    ctx.globalAlpha = 1;
    for (const pulse of o.queue.active(now)) {
      const a = layout.points.get(agentId(pulse.from));
      const b = layout.points.get(agentId(pulse.to));
      if (!a || !b) continue;
      const t = (now - pulse.at) / PULSE_MS;
      if (t >= 1) continue;
      ctx.fillStyle = PULSE_COLORS[pulse.kind];
      ctx.beginPath();
      ctx.arc(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, 4, 0, Math.PI * 2);
      ctx.fill();
    }
  }

  function frame() {
    raf = 0;
    const moving = layout.tick();
    const now = Date.now();
    draw(now);
    if (moving || o.queue.active(now).length > 0) raf = requestAnimationFrame(frame);
  }
  const wake = () => {
    if (!raf) raf = requestAnimationFrame(frame);
  };

  function hit(ev: MouseEvent): GraphNode | undefined {
    const r = canvas.getBoundingClientRect();
    const x = ev.clientX - r.left;
    const y = ev.clientY - r.top;
    let best: GraphNode | undefined;
    let bestD = (R + 6) ** 2;
    for (const n of nodes) {
      const p = layout.points.get(n.id);
      if (!p) continue;
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < bestD) [best, bestD] = [n, d];
    }
    return best;
  }
  canvas.addEventListener('click', (ev) => {
    const n = hit(ev);
    if (n) o.onNodeClick(n);
  });

  size(o.width, o.height);
  return {
    kind: '2d',
    update(model) {
      nodes = model.nodes;
      links = model.links;
      ctx.font = FONT;
      widths.clear();
      for (const n of nodes) widths.set(n.id, ctx.measureText(n.label).width);
      layout.set(model);
      wake();
    },
    drawn: () => nodes.filter((n) => layout.points.has(n.id)).length,
    pulse: () => wake(),
    resize(w, h) {
      size(w, h);
      wake();
    },
    destroy() {
      if (raf) cancelAnimationFrame(raf);
      canvas.remove();
    },
  };
}
