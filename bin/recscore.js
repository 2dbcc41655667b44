#!/usr/bin/env node
// Package entry point: the compiled CLI (npm run build produces dist/).
import '../dist/src/cli/index.js';
