import{a,b}from"./chunk-7WUJPGV6.js";import"./chunk-UMPXI75O.js";export{a as Payments,b as Revenue};
