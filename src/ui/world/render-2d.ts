// The 2D fallback: the same model on a canvas (force layout, or world positions when known), pulses
// as dots moving from sender to receiver. Names are drawn with fillText: text, never markup. The
// animation loop runs only while the layout moves or a pulse travels.
import { LINK_COLORS, agentId, seedOf, type GraphModel, type GraphNode } from './graph-model.ts';
import { ForceLayout } from './layout-2d.ts';
import { PULSE_COLORS } from './pulses.ts';
import { PULSE_MS, type PulseTrace, type RendererOptions, type WorldRenderer } from './renderer.ts';
import { avatarArt, avatarDataUrl } from '../avatar/avatar-art.ts';

const R = 11;

/** Avatar images by drawing and colour: decoded once, drawn every frame. Bounded by the node bound. */
function avatarImages(onLoad: () => void) {
  const cache = new Map<string, HTMLImageElement>();
  return (n: GraphNode): HTMLImageElement | undefined => {
    const art = avatarArt({ avatar: n.avatar, color: n.color }, seedOf(n));
    const key = `${art.id}:${art.background}:${art.id === 'generated' ? seedOf(n) : ''}`;
    let img = cache.get(key);
    if (!img) {
      if (cache.size > 600) cache.clear();
      img = new Image(2 * R, 2 * R);
      img.onload = onLoad;
      img.src = avatarDataUrl(art, 2 * R); // our own SVG (avatar-art.ts): no peer text, no network
      cache.set(key, img);
    }
    return img.complete ? img : undefined;
  };
}

function hexagon(ctx: CanvasRenderingContext2D, x: number, y: number, r: number) {
  ctx.moveTo(x + r, y);
  for (let i = 1; i < 6; i++) ctx.lineTo(x + r * Math.cos((i * Math.PI) / 3), y + r * Math.sin((i * Math.PI) / 3));
  ctx.closePath();
}

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
  let following = false;
  let drawnNames: string[] = [];
  const avatar = avatarImages(() => wake());
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
    const talking = following ? latestPair(now) : undefined;
    const names: string[] = [];
    for (const n of nodes) {
      const p = layout.points.get(n.id);
      if (!p) continue;
      const r = n.kind === 'self' ? R + 3 : R;
      ctx.globalAlpha = n.online ? 1 : 0.35;
      const img = n.kind === 'self' || n.kind === 'agent' ? avatar(n) : undefined;
      if (img) ctx.drawImage(img, p.x - r, p.y - r, 2 * r, 2 * r);
      else {
        ctx.fillStyle = n.color;
        ctx.beginPath();
        if (n.kind === 'place' || n.kind === 'treasure') ctx.rect(p.x - R, p.y - R, 2 * R, 2 * R);
        else if (n.kind === 'org') hexagon(ctx, p.x, p.y, R + 1);
        else ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
        ctx.fill();
      }
      if (talking?.has(n.id)) {
        ctx.strokeStyle = '#e11d48';
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        ctx.arc(p.x, p.y, r + 4, 0, Math.PI * 2);
        ctx.stroke();
      }
      ctx.font = FONT;
      ctx.fillStyle = '#1b2430';
      // Keep the whole label on the canvas.
      const half = (widths.get(n.id) ?? 0) / 2 + 2;
      ctx.fillText(n.label, Math.min(layout.width - half, Math.max(half, p.x)), p.y + R + 9);
      names.push(n.label);
    }
    drawnNames = names;
    ctx.globalAlpha = 1;
    for (const p of trace(now)) {
      ctx.fillStyle = PULSE_COLORS[p.kind];
      ctx.beginPath();
      ctx.arc(p.at.x, p.at.y, 4, 0, Math.PI * 2);
      ctx.fill();
    }
  }

  /** Pulses travelling now, each from its sender's point towards its receiver's. */
  function trace(now: number): PulseTrace[] {
    const out: PulseTrace[] = [];
    for (const pulse of o.queue.active(now)) {
      const a = layout.points.get(agentId(pulse.from));
      const b = layout.points.get(agentId(pulse.to));
      const t = (now - pulse.at) / PULSE_MS;
      if (!a || !b || t >= 1) continue;
      out.push({
        from: pulse.from,
        to: pulse.to,
        kind: pulse.kind,
        t,
        at: { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t },
        source: { ...a },
        target: { ...b },
      });
    }
    return out;
  }

  /** The two ends of the newest exchange, ringed while following. */
  function latestPair(now: number): Set<string> | undefined {
    const last = o.queue.active(now).at(-1);
    return last ? new Set([agentId(last.from), agentId(last.to)]) : undefined;
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
    follow(on) {
      following = on;
      wake();
    },
    trace: () => trace(Date.now()),
    labels: () => drawnNames,
    destroy() {
      if (raf) cancelAnimationFrame(raf);
      canvas.remove();
    },
  };
}
