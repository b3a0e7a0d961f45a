import{a,b}from"./chunk-SYN22RDG.js";import"./chunk-NTJHWW7K.js";export{a as Payments,b as Revenue};
