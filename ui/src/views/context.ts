// What every view may ask of the app around it.

export interface AppContext {
  /** Show a short confirmation in the status line. */
  notify(message: string): void;
  /** Show an error (an ApiError's Danish message) in the status line. */
  fail(error: unknown): void;
  /** Re-read the counts shown in the menu. */
  refreshCounts(): Promise<void>;
}

export interface View {
  readonly element: HTMLElement;
  /** Load or re-load the view's data; called each time the view is shown. */
  refresh(): Promise<void>;
}
