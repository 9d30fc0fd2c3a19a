// Starts the app without an inline script (the Content-Security-Policy forbids those):
// trunk writes the hashed file names into this script element's data attributes.
const script = document.querySelector("script[data-ecs-js]");
const { default: init } = await import(script.dataset.ecsJs);
await init({ module_or_path: script.dataset.ecsWasm });
