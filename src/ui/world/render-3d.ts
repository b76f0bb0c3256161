// The 3D view: 3d-force-graph (three.js + d3-force-3d), imported only when the view opens. Node and
// link objects are kept by id across updates so the layout does not jump. Ourselves, friends and whoever
// is talking carry a name label at all times (DOM text through three's CSS2DRenderer: text, never markup);
// others show theirs on pointing (3d-force-graph takes that as HTML, so it is escaped). A pulse is a small
// sphere that travels from the sender to the receiver, whichever way the link between them was drawn.
import ForceGraph3D, { type ConfigOptions, type ForceGraph3DInstance } from '3d-force-graph';
import { CSS2DObject, CSS2DRenderer } from 'three/examples/jsm/renderers/CSS2DRenderer.js';
import { Mesh, MeshBasicMaterial, SphereGeometry, type Object3D } from 'three';
import { LINK_COLORS, agentId, escapeHtml, seedOf, type GraphLink, type GraphModel, type GraphNode } from './graph-model.ts';
import { PULSE_COLORS, type Pulse } from './pulses.ts';
import { PULSE_MS, type Point, type PulseTrace, type RendererOptions, type WorldRenderer } from './renderer.ts';
import { avatarArt, avatarDataUrl } from '../avatar/avatar-art.ts';

type N = GraphNode & { x?: number; y?: number; z?: number };
type L = Omit<GraphLink, 'source' | 'target'> & { source: string | N; target: string | N };
// The library's default export is typed for plain objects; ours carry the model's fields.
const Graph = ForceGraph3D as unknown as new (el: HTMLElement, c?: ConfigOptions) => ForceGraph3DInstance<N, L>;

const avatarUrl = (n: GraphNode) => avatarDataUrl(avatarArt({ avatar: n.avatar, color: n.color }, seedOf(n)), 20);
const isAgent = (n: GraphNode) => n.kind === 'self' || n.kind === 'agent';

/** A node's standing label: its avatar and its name, as DOM text. */
function labelObject(n: N): Object3D {
  const el = document.createElement('div');
  el.className = `world-label ${n.kind}`;
  el.dataset.id = n.id;
  if (isAgent(n)) {
    const img = document.createElement('img');
    img.alt = '';
    img.src = avatarUrl(n); // our own SVG (avatar-art.ts): no peer text, no network
    el.append(img);
  }
  const name = document.createElement('span');
  name.textContent = n.label;
  el.append(name);
  const o = new CSS2DObject(el);
  o.position.set(0, 9, 0);
  return o;
}

const pos = (n: N | undefined): Point | undefined => (n && n.x !== undefined && n.y !== undefined ? { x: n.x, y: n.y, z: n.z ?? 0 } : undefined);

export function createRenderer3d(o: RendererOptions): WorldRenderer {
  const el = document.createElement('div');
  el.className = 'stage-3d';
  o.container.replaceChildren(el);
  const labels = new CSS2DRenderer();
  Object.assign(labels.domElement.style, { position: 'absolute', top: '0', left: '0', pointerEvents: 'none' });
  let framed = false;
  let ticks = 0;
  let following = false;
  // No antialiasing: on software WebGL (SwiftShader) it multiplies the cost of every frame.
  const graph = new Graph(el, { controlType: 'orbit', rendererConfig: { antialias: false, powerPreference: 'high-performance' }, extraRenderers: [labels] })
    .width(o.width)
    .height(o.height)
    .backgroundColor('#0b1720')
    .showNavInfo(false)
    // Bounded settling: the simulation stops after these ticks; at rest only drawing goes on.
    .cooldownTicks(120)
    .warmupTicks(20)
    .nodeId('id')
    .nodeResolution(6)
    .nodeRelSize(5)
    .nodeVal((n: N) => (n.kind === 'self' ? 6 : n.kind === 'org' ? 4 : 2))
    .nodeColor((n: N) => (n.online ? n.color : '#5b6b75'))
    .nodeLabel((n: N) => (n.labelled ? '' : `${isAgent(n) ? `<img alt="" src="${avatarUrl(n)}" width="20" height="20"> ` : ''}${escapeHtml(n.label)}`))
    .nodeThreeObject((n: N) => (n.labelled ? labelObject(n) : (undefined as unknown as Object3D)))
    .nodeThreeObjectExtend(true)
    .linkColor((l: L) => LINK_COLORS[l.kind])
    .linkOpacity(0.6)
    .onNodeClick((n: N) => o.onNodeClick(n))
    // Frame everyone once the layout settles after a change (not after every pulse).
    .onEngineTick(() => {
      if (++ticks === 12 && !following) graph.zoomToFit(300, 30);
    })
    .onEngineStop(() => {
      if (!framed && !following) graph.zoomToFit(400, 30);
      framed = true;
    });
  // Spread small crowds out a little more than the library's defaults, so names and pulses read.
  (graph.d3Force('charge') as unknown as { strength(n: number): unknown } | undefined)?.strength(-90);
  (graph.d3Force('link') as unknown as { distance(n: number): unknown } | undefined)?.distance(45);
  const nodes = new Map<string, N>();
  const links = new Map<string, L>();
  // A pulse between agents that have no position yet waits for the next update.
  let waiting: Pulse[] = [];
  const geometry = new SphereGeometry(2.2, 8, 8);
  const travelling: Array<{ pulse: Pulse; mesh: Mesh; start: number }> = [];
  let raf = 0;

  function look(a: Point, b: Point) {
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, z: ((a.z ?? 0) + (b.z ?? 0)) / 2 };
    const span = Math.hypot(a.x - b.x, a.y - b.y, (a.z ?? 0) - (b.z ?? 0));
    graph.cameraPosition({ x: mid.x, y: mid.y, z: mid.z + Math.max(80, span * 1.6) }, mid, 500);
  }

  function step() {
    raf = 0;
    const now = Date.now();
    for (let i = travelling.length - 1; i >= 0; i--) {
      const f = travelling[i]!;
      const [a, b] = [pos(nodes.get(agentId(f.pulse.from))), pos(nodes.get(agentId(f.pulse.to)))];
      const t = (now - f.start) / PULSE_MS;
      if (!a || !b || t >= 1) {
        graph.scene().remove(f.mesh);
        (f.mesh.material as MeshBasicMaterial).dispose();
        travelling.splice(i, 1);
        continue;
      }
      f.mesh.position.set(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, (a.z ?? 0) + ((b.z ?? 0) - (a.z ?? 0)) * t);
    }
    if (travelling.length) raf = requestAnimationFrame(step);
  }

  function emit(p: Pulse): boolean {
    const [a, b] = [pos(nodes.get(agentId(p.from))), pos(nodes.get(agentId(p.to)))];
    if (!a || !b) return false;
    const mesh = new Mesh(geometry, new MeshBasicMaterial({ color: PULSE_COLORS[p.kind] }));
    mesh.position.set(a.x, a.y, a.z ?? 0);
    graph.scene().add(mesh);
    // Bounded: a flood of exchanges keeps the newest few dozen in flight.
    if (travelling.length >= 48) {
      const old = travelling.shift()!;
      graph.scene().remove(old.mesh);
    }
    travelling.push({ pulse: p, mesh, start: Date.now() });
    if (following) look(a, b);
    if (!raf) raf = requestAnimationFrame(step);
    return true;
  }

  return {
    kind: '3d',
    update(model: GraphModel) {
      let changed = model.nodes.length !== nodes.size || model.links.length !== links.size;
      let relabel = false;
      const keep = new Set<string>();
      const ns: N[] = model.nodes.map((m) => {
        keep.add(m.id);
        const prev = nodes.get(m.id);
        if (!prev) changed = true;
        else if (prev.labelled !== m.labelled || prev.label !== m.label || prev.avatar !== m.avatar) relabel = true;
        const n: N = Object.assign(prev ?? ({} as N), m);
        // A new node with a world position starts there (scaled to the graph); the forces then keep
        // agents on one spawn point apart. Pinning would stack them.
        if (!prev && m.x !== undefined && m.y !== undefined) [n.x, n.y] = [(m.x - 500) / 5, (m.y - 500) / 5];
        nodes.set(m.id, n);
        return n;
      });
      for (const id of [...nodes.keys()]) if (!keep.has(id)) nodes.delete(id);
      const lk = new Set<string>();
      const ls: L[] = model.links.map((m) => {
        lk.add(m.id);
        let l = links.get(m.id);
        if (!l) {
          changed = true;
          l = { ...m };
          links.set(m.id, l);
        }
        return l;
      });
      for (const id of [...links.keys()]) if (!lk.has(id)) links.delete(id);
      // Re-feeding unchanged data would reheat the simulation: only structural changes go in.
      if (changed) {
        framed = false;
        ticks = 0;
        graph.graphData({ nodes: ns, links: ls });
      } else if (relabel) graph.nodeThreeObject(graph.nodeThreeObject());
      else graph.refresh();
      const retry = waiting;
      waiting = [];
      for (const p of retry) if (!emit(p)) waiting.push(p);
    },
    drawn() {
      // What three.js really holds, not what we handed over (the library builds objects on its next digest).
      let n = 0;
      graph.scene().traverse((obj: object) => {
        if ((obj as { __graphObjType?: string }).__graphObjType === 'node') n++;
      });
      return n;
    },
    pulse(p: Pulse) {
      if (!emit(p)) waiting = [...waiting.slice(-31), p];
    },
    resize(w, h) {
      graph.width(w).height(h);
    },
    follow(on) {
      following = on;
      if (!on) graph.zoomToFit(400, 30);
    },
    trace(): PulseTrace[] {
      const now = Date.now();
      return travelling.flatMap((f) => {
        const [a, b] = [pos(nodes.get(agentId(f.pulse.from))), pos(nodes.get(agentId(f.pulse.to)))];
        if (!a || !b) return [];
        const { x, y, z } = f.mesh.position;
        return [{ from: f.pulse.from, to: f.pulse.to, kind: f.pulse.kind, t: Math.min(1, (now - f.start) / PULSE_MS), at: { x, y, z }, source: a, target: b }];
      });
    },
    labels: () => [...labels.domElement.querySelectorAll('.world-label span')].map((e) => e.textContent ?? ''),
    destroy() {
      if (raf) cancelAnimationFrame(raf);
      graph.pauseAnimation();
      graph._destructor();
      geometry.dispose();
      el.remove();
    },
  };
}
