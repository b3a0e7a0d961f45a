import{a,b}from"./chunk-L2JRFC5D.js";import"./chunk-CVKJ7SUL.js";import"./chunk-SPE2Q2CE.js";export{a as Payments,b as Revenue};
