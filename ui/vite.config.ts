import { defineConfig } from "vite";

// The window loads the built files from ui/dist (tauri.conf.json frontendDist). Everything is
// bundled: no CDN, no inline scripts or styles (the CSP allows 'self' only).
export default defineConfig({
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari16",
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
