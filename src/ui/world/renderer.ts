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
  /** Keep the latest exchange in view (the camera, or the canvas's highlight, follows each pulse). */
  follow(on: boolean): void;
  /** Where each travelling pulse is now, with its two ends: what a test checks the direction with. */
  trace(): PulseTrace[];
  /** The names in the scene without pointing at anything (as last drawn). */
  labels(): string[];
  destroy(): void;
}

export interface Point {
  x: number;
  y: number;
  z?: number;
}

export interface PulseTrace {
  from: string;
  to: string;
  kind: Pulse['kind'];
  /** 0 at the sender, 1 at the receiver. */
  t: number;
  at: Point;
  source: Point;
  target: Point;
}

/** How long a pulse takes from sender to receiver, in both views. */
export const PULSE_MS = 1200;

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
