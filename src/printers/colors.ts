// The colours printers use; the CLI decides whether a stream gets them (a TTY, no NO_COLOR).

/** The colours the CLI uses. */
export interface Colors {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

/** No colour at all: pipes, files, NO_COLOR. */
export const plain: Colors = { red: (s) => s, yellow: (s) => s, green: (s) => s };
