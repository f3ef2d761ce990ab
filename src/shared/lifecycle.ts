/** Anything that holds resources until disposed (VS Code's Disposable has this shape). */
export interface IDisposable {
  dispose(): void;
}

/**
 * The base of every long-lived object: it owns what it registers and disposes it in reverse order
 * (vscode-pull-request-github `src/common/lifecycle.ts`).
 */
export abstract class Disposable implements IDisposable {
  private readonly disposables: IDisposable[] = [];
  private disposed = false;

  protected _register<T extends IDisposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.disposables.push(d);
    return d;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // one failing disposal must not keep the others from running
      }
    }
  }
}
