/** Line-oriented output for the `sar` commands: buffered, and waits for stdout to drain (large outputs). */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

export class LineWriter {
  private buf: string[] = [];
  private size = 0;
  constructor(private readonly out: Writable = process.stdout) {}

  async line(obj: unknown): Promise<void> {
    const s = JSON.stringify(obj);
    this.buf.push(s);
    this.size += s.length + 1;
    if (this.size >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const text = `${this.buf.join('\n')}\n`;
    this.buf = [];
    this.size = 0;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}
