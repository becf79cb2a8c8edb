/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The stack `npm run dev` proxies /api to: `make run` serves it on :8080.
const stack = process.env.EVENTBOARD_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: { "/api": { target: stack, changeOrigin: false } },
  },
  build: {
    // Hashed file names let CloudFront and browsers cache assets forever;
    // only index.html is fetched again (see deploy-frontend.yml).
    assetsDir: "assets",
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
