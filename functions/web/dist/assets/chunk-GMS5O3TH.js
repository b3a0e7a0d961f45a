import{a,b}from"./chunk-V7X2PUVY.js";import"./chunk-CVQZT437.js";import"./chunk-ZMGGJUSE.js";export{a as Payments,b as Revenue};
