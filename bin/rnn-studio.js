#!/usr/bin/env node
// The engine is written in TypeScript; tsx compiles it on load.
import { register } from 'tsx/esm/api';

register();
await import('../engine/cli/main.ts');
