/// <reference types="vite/client" />
/**
 * The app's panels: every feature folder's `panel.tsx` is found at build time and its `panels`
 * registered, so adding a panel touches only the feature that brings it.
 */
import { createPanelRegistry, type PanelContribution, type PanelRegistry } from './panel-registry.ts';

const features = import.meta.glob<readonly PanelContribution[]>('../*/panel.tsx', { eager: true, import: 'panels' });

export const appPanels: PanelRegistry = createPanelRegistry(Object.values(features).flat());
