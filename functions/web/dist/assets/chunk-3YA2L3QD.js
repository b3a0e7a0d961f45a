import{a,b}from"./chunk-MX65INQV.js";import"./chunk-VN75DZ5U.js";import"./chunk-N376T5NL.js";export{a as Payments,b as Revenue};
