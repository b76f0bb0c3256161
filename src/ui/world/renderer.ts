// What the world view asks of a renderer: the 3D one (3d-force-graph on three.js) and the 2D canvas
// fallback both draw the same model and the same pulses.
import type { GraphModel, GraphNode } from './graph-model.ts';
import type { Pulse, PulseQueue } from './pulses.ts';

export interface WorldRenderer {
  readonly kind: '3d' | '2d';
  /** Draws the model. */
  update(model: GraphModel): void;
  /** How many nodes are in the scene (3D: node objects in the three.js scene; 2D: nodes drawn). */
  drawn(): number;
  /** Animates one pulse (the model already holds a link between its ends when it can). */
  pulse(p: Pulse): void;
  resize(width: number, height: number): void;
  destroy(): void;
}

export interface RendererOptions {
  container: HTMLElement;
  queue: PulseQueue;
  onNodeClick(node: GraphNode): void;
  width: number;
  height: number;
}

/** Whether this browser can give us a WebGL context (headless Chromium with --disable-gpu may not). */
export function hasWebGl(): boolean {
  try {
    const c = document.createElement('canvas');
    return !!(c.getContext('webgl2') ?? c.getContext('webgl'));
  } catch {
    return false;
  }
}
