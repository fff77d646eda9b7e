import { defineConfig } from "vite";

/** The browser client: web/ is built into dist/web, which wrangler serves as static assets. */
export default defineConfig({
	root: "web",
	build: {
		outDir: "../dist/web",
		emptyOutDir: true,
		target: "es2022",
	},
});
