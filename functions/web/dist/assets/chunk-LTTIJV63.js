import{a,b}from"./chunk-47BBBKOU.js";import"./chunk-STKB7P6C.js";export{a as Payments,b as Revenue};
