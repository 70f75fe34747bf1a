declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}

// wgsl_reflect's `main` is CommonJS inside a "type": "module" package, which Node's ESM
// loader rejects; its ESM build is imported by path and typed from the package's types.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
