// mega-framework: not yet implemented. The public API will be named here explicitly.
export {}
