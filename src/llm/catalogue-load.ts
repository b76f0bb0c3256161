// The catalogue as the page shows it: the GGUF list, web-llm's prebuilt list read from the installed
// package (a lazy chunk: web-llm is megabytes, so it is fetched only when the catalogue is shown, or when
// the device has a GPU it could use), this device's facts and the recommendation for it.
import { errorMessage } from '../core/errors.ts';
import type { Result } from '../core/result.ts';
import { availability, sizeLabel, webllmCatalogue, type CatalogueEntry, type CatalogueItem, type DeviceFacts } from './catalogue.ts';
import { readDevice } from './device.ts';
import { recommend, type Recommendation } from './recommend.ts';
import { wllamaCatalogue } from './wllama-catalogue.ts';

export interface Catalogue {
  entries: CatalogueEntry[];
  /** The same entries with what they mean on this device. */
  items: CatalogueItem[];
  device: DeviceFacts;
  /** How many models web-llm's prebuiltAppConfig lists (0 when it was not read). */
  webllmCount: number;
  /** Why web-llm's list is missing, when it is. */
  webllmError?: string;
  recommendation: Result<Recommendation, string>;
}

/** `webllm: 'if-gpu'` reads web-llm's list only where a real GPU could run it (onboarding's first paint). */
export async function loadCatalogue(opts: { webllm?: boolean | 'if-gpu' } = {}): Promise<Catalogue> {
  const device = await readDevice();
  const want = opts.webllm === 'if-gpu' ? device.webgpu.available && !device.webgpu.fallback : opts.webllm !== false;
  let web: CatalogueEntry[] = [];
  let webllmError: string | undefined;
  if (want) {
    try {
      const { prebuiltAppConfig } = await import('@mlc-ai/web-llm');
      web = webllmCatalogue(prebuiltAppConfig.model_list);
    } catch (e) {
      webllmError = `web-llm's model list could not be loaded: ${errorMessage(e)}`;
    }
  }
  const entries = [...wllamaCatalogue(), ...web];
  const items = entries.map((entry) => ({ entry, availability: availability(entry, device), size: sizeLabel(entry) }));
  return { entries, items, device, webllmCount: web.length, ...(webllmError ? { webllmError } : {}), recommendation: recommend(entries, device) };
}
