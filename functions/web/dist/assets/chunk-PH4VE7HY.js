import{a,b}from"./chunk-25RD6757.js";import"./chunk-D3LSNYGI.js";export{a as Payments,b as Revenue};
