// The slice of the WebAssembly JS API recscore uses. TypeScript ships these types only in lib.dom and
// @types/node 20 does not declare them; adding the DOM lib would pull in browser globals.
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  type ImportValue = Memory | ((...args: never[]) => unknown) | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, unknown>;
  }
  function instantiate(
    bytes: ArrayBufferView | ArrayBuffer,
    imports?: Imports,
  ): Promise<{ module: Module; instance: Instance }>;
}
