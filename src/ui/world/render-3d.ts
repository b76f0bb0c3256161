// The 3D view: 3d-force-graph (three.js + d3-force-3d), imported only when the view opens. Node and
// link objects are kept by id across updates so the layout does not jump; labels are peer text and
// 3d-force-graph shows them as HTML, so they are escaped here.
import ForceGraph3D, { type ConfigOptions, type ForceGraph3DInstance } from '3d-force-graph';
import { LINK_COLORS, agentId, escapeHtml, type GraphLink, type GraphModel, type GraphNode } from './graph-model.ts';
import { PULSE_COLORS, type Pulse, type PulseKind } from './pulses.ts';
import type { RendererOptions, WorldRenderer } from './renderer.ts';

type N = GraphNode & { x?: number; y?: number; z?: number };
type L = Omit<GraphLink, 'source' | 'target'> & { source: string | N; target: string | N; pulse?: PulseKind };
// The library's default export is typed for plain objects; ours carry the model's fields.
const Graph = ForceGraph3D as unknown as new (el: HTMLElement, c?: ConfigOptions) => ForceGraph3DInstance<N, L>;

const endId = (e: string | N) => (typeof e === 'string' ? e : e.id);

export function createRenderer3d(o: RendererOptions): WorldRenderer {
  const el = document.createElement('div');
  o.container.replaceChildren(el);
  let framed = false;
  let ticks = 0;
  // No antialiasing: on software WebGL (SwiftShader) it multiplies the cost of every frame.
  const graph = new Graph(el, { controlType: 'orbit', rendererConfig: { antialias: false, powerPreference: 'high-performance' } })
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
    .nodeLabel((n: N) => `${escapeHtml(n.avatar)} ${escapeHtml(n.label)}`)
    .linkColor((l: L) => LINK_COLORS[l.kind])
    .linkOpacity(0.6)
    .linkDirectionalParticleWidth(3)
    .linkDirectionalParticleSpeed(0.02)
    // Read when a particle is emitted: the colour of the exchange that caused it.
    .linkDirectionalParticleColor((l: L) => PULSE_COLORS[l.pulse ?? 'chat'])
    .onNodeClick((n: N) => o.onNodeClick(n))
    // Frame everyone once the layout settles after a change (not after every pulse).
    .onEngineTick(() => {
      if (++ticks === 12) graph.zoomToFit(300, 30);
    })
    .onEngineStop(() => {
      if (!framed) graph.zoomToFit(400, 30);
      framed = true;
    });
  // Spread small crowds out a little more than the library's defaults, so names and pulses read.
  (graph.d3Force('charge') as unknown as { strength(n: number): unknown } | undefined)?.strength(-90);
  (graph.d3Force('link') as unknown as { distance(n: number): unknown } | undefined)?.distance(45);
  const nodes = new Map<string, N>();
  const links = new Map<string, L>();
  // A pulse between two agents that just met waits for the update that adds their link.
  let waiting: Pulse[] = [];

  function emit(p: Pulse): boolean {
    const [a, b] = [agentId(p.from), agentId(p.to)];
    for (const l of links.values()) {
      const [s, t] = [endId(l.source), endId(l.target)];
      if ((s === a && t === b) || (s === b && t === a)) {
        l.pulse = p.kind;
        graph.emitParticle(l);
        return true;
      }
    }
    return false;
  }

  return {
    kind: '3d',
    update(model: GraphModel) {
      let changed = model.nodes.length !== nodes.size || model.links.length !== links.size;
      const keep = new Set<string>();
      const ns: N[] = model.nodes.map((m) => {
        keep.add(m.id);
        const prev = nodes.get(m.id);
        if (!prev) changed = true;
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
      } else graph.refresh();
      const retry = waiting;
      waiting = [];
      for (const p of retry) emit(p);
    },
    drawn() {
      // What three.js really holds, not what we handed over (the library builds objects on its next digest).
      let n = 0;
      graph.scene().traverse((o: object) => {
        if ((o as { __graphObjType?: string }).__graphObjType === 'node') n++;
      });
      return n;
    },
    pulse(p: Pulse) {
      if (!emit(p)) waiting = [...waiting.slice(-31), p];
    },
    resize(w, h) {
      graph.width(w).height(h);
    },
    destroy() {
      graph.pauseAnimation();
      graph._destructor();
      el.remove();
    },
  };
}
