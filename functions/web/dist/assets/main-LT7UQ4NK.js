import{c as J}from"./chunk-LXXLV6Z6.js";import{b as G}from"./chunk-4PNDLDXF.js";import{A as O,B as P,C as L,D as z,E as K,F as j,G as U,I as _,L as V,N as v,O as l,P as f,Q as W,R as T,T as N,a as A,b as p,c as C,e as t,f as S,g as B,h as D,k as F,l as x,m as M,n as r,t as R,w as H,x as b,y as I}from"./chunk-HNQX7CN7.js";function q({children:o,route:a}){let e=O(),n=s=>a.name===s?"page":void 0,i=s=>()=>z(s,c=>V(c)).catch(()=>{}).then(()=>I("#/"));return t`
    <a class="skip" href="#main" onClick=${s=>{s.preventDefault();let c=document.getElementById("main");c.focus(),c.scrollIntoView()}}>${r("nav.skip")}</a>
    <header class="top">
      <a class="brand" href="#/">${r("app.name")}</a>
      <nav aria-label=${r("nav.label")}>
        <ul>
          <li><a href="#/" aria-current=${n("catalog")}>${r("nav.catalog")}</a></li>
          ${L(e,"learner")&&t`<li><a href="#/me/courses" aria-current=${n("myCourses")}>${r("nav.myCourses")}</a></li>`}
          ${L(e,"learner")&&t`<li><a href="#/subscriptions" aria-current=${n("subscriptions")}>${r("nav.subscriptions")}</a></li>`}
          ${L(e,"tutor")&&t`<li><a href="#/tutor" aria-current=${n("tutor")}>${r("nav.teach")}</a></li>`}
          ${!e&&t`<li><a href=${b(["login"])} aria-current=${n("login")}>${r("nav.login")}</a></li>
            <li><a href=${b(["signup"])} aria-current=${n("signup")}>${r("nav.signup")}</a></li>`}
          ${e&&t`<li><button type="button" class="link" onClick=${i(!1)}>${r("nav.logout")}</button></li>
            <li><button type="button" class="link" onClick=${i(!0)}>${r("nav.logoutAll")}</button></li>`}
        </ul>
      </nav>
      <div class="lang">
        <label for="lang-select">${r("nav.language")}</label>
        <select id="lang-select" value=${x().code} onChange=${s=>M(s.currentTarget.value)}>
          ${B.map(s=>t`<option value=${s.code} lang=${s.code}>${s.name}</option>`)}
        </select>
      </div>
      ${e&&t`<p class="who">${r("nav.signedInAs",{name:e.user.display_name})}</p>`}
    </header>
    <main id="main" tabindex="-1">${o}</main>
  `}var Q=o=>typeof o=="string"&&/^#\/[^/]/.test(o)&&!o.startsWith("#//")?o:"#/";async function X(o,a){let e=await _("/v1/sessions",{email:o,password:a});return P(e),e}function Y({query:o}){let[a,e]=S("login",{email:"",password:""}),[n,i]=p(null),[s,c]=p(!1),g=d=>k=>{let h=k.currentTarget.value;e(u=>({...u,[d]:h}))},w=async d=>{d.preventDefault(),c(!0),i(null);try{await X(a.email,a.password),e({email:"",password:""}),I(Q(o.next))}catch(k){i(k)}finally{c(!1)}},$=n&&n.code==="unauthenticated";return t`
    <${T} text=${r("auth.login.title")} />
    ${o.next&&t`<p class="note">${r("auth.needLogin")}</p>`}
    <form class="form narrow" onSubmit=${w} novalidate>
      <${l} id="login-email" label=${r("auth.email")} error=${f(n,"email")}>${d=>t`<input ...${d} type="email" autocomplete="username" value=${a.email} onInput=${g("email")} />`}</${l}>
      <${l} id="login-password" label=${r("auth.password")} error=${f(n,"password")}>${d=>t`<input ...${d} type="password" autocomplete="current-password" value=${a.password} onInput=${g("password")} />`}</${l}>
      ${$?t`<${v} message=${r("auth.badLogin")} />`:t`<${v} error=${n&&!Object.keys(n.fields).length?n:null} />`}
      <button type="submit" disabled=${s}>${r("auth.login.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${b(["signup"],{next:o.next})}>${r("auth.noAccount")}</a></p>
    </form>`}function Z({query:o}){let a=x(),[e,n]=S("signup",{email:"",password:"",display_name:"",learner:!0,tutor:!1,country:a.country}),[i,s]=p(null),[c,g]=p(!1),[w]=p(U),$=u=>m=>{let E=m.currentTarget.type==="checkbox"?m.currentTarget.checked:m.currentTarget.value;n(ee=>({...ee,[u]:E}))},d=async u=>{u.preventDefault(),g(!0),s(null);let m=[e.learner&&"learner",e.tutor&&"tutor"].filter(Boolean);try{await _("/v1/users",{email:e.email,password:e.password,display_name:e.display_name,roles:m,country:e.country},{idempotencyKey:w}),await X(e.email,e.password),n({...e,password:""}),I(Q(o.next||(e.tutor?"#/tutor":"#/")))}catch(E){s(E)}finally{g(!1)}},k=["email","password","display_name","roles","country"],h=f(i,"roles");return t`
    <${T} text=${r("auth.signup.title")} />
    <form class="form narrow" onSubmit=${d} novalidate>
      <${l} id="su-name" label=${r("auth.displayName")} required error=${f(i,"display_name")}>${u=>t`<input ...${u} autocomplete="name" value=${e.display_name} onInput=${$("display_name")} />`}</${l}>
      <${l} id="su-email" label=${r("auth.email")} required error=${f(i,"email")}>${u=>t`<input ...${u} type="email" autocomplete="email" value=${e.email} onInput=${$("email")} />`}</${l}>
      <${l} id="su-password" label=${r("auth.password")} required hint=${r("auth.passwordHint")} error=${f(i,"password")}>${u=>t`<input ...${u} type="password" autocomplete="new-password" value=${e.password} onInput=${$("password")} />`}</${l}>
      <fieldset class=${h?"invalid":""} aria-describedby=${h?"su-roles-error":void 0}>
        <legend>${r("auth.roles")}</legend>
        <div class="check"><input type="checkbox" id="su-learner" checked=${e.learner} onChange=${$("learner")} /><label for="su-learner">${r("auth.role.learner")}</label></div>
        <div class="check"><input type="checkbox" id="su-tutor" checked=${e.tutor} onChange=${$("tutor")} /><label for="su-tutor">${r("auth.role.tutor")}</label></div>
        ${h&&t`<p class="field-error" id="su-roles-error">${r("error.field")}: <span lang="en">${h}</span></p>`}
      </fieldset>
      <${l} id="su-country" label=${r("auth.country")} error=${f(i,"country")}>${u=>t`<select ...${u} value=${e.country} onChange=${$("country")}>${D.map(m=>t`<option value=${m}>${R(m)}</option>`)}</select>`}</${l}>
      <${v} error=${i} />
      ${W(i,k).map(([u,m])=>t`<p class="field-error">${u}: <span lang="en">${m}</span></p>`)}
      <button type="submit" disabled=${c}>${r("auth.signup.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${b(["login"],{next:o.next})}>${r("auth.haveAccount")}</a></p>
    </form>`}function y(o,a){let e=null;return function(i){let[,s]=p(!!e),[c,g]=p(null);if(C(()=>{e||o().then($=>(e=$,s(!0)),g)},[]),c)return t`<${v} error=${{code:"network",message:""}} />`;if(!e)return t`<${N} />`;let w=e[a];return t`<${w} ...${i} />`}}var te=y(()=>import("./chunk-U6D4H7YP.js"),"Learn"),re=y(()=>import("./chunk-USNWIK6J.js"),"MyCourses"),oe=y(()=>import("./chunk-W3QUKL2T.js"),"Subscriptions"),ae=y(()=>import("./chunk-J3T22TAC.js"),"TutorHome"),ne=y(()=>import("./chunk-J3T22TAC.js"),"TutorNew"),se=y(()=>import("./chunk-J3T22TAC.js"),"TutorCourse"),ie=y(()=>import("./chunk-J3T22TAC.js"),"TutorItem");function ue({route:o}){let[a,e]=o.params;switch(o.name){case"catalog":return t`<${G} query=${o.query} />`;case"course":return t`<${J} id=${a} key=${a} />`;case"learn":return t`<${te} courseId=${a} itemId=${e} key=${a+e} />`;case"login":return t`<${Y} query=${o.query} />`;case"signup":return t`<${Z} query=${o.query} />`;case"myCourses":return t`<${re} />`;case"subscriptions":return t`<${oe} />`;case"tutor":return t`<${ae} />`;case"tutorNew":return t`<${ne} />`;case"tutorCourse":return t`<${se} id=${a} key=${a} />`;case"tutorItem":return t`<${ie} courseId=${a} itemId=${e} key=${a+e} />`;default:return t`<${T} text=${r("error.not_found")} /><p><a href="#/">${r("nav.catalog")}</a></p>`}}function le(){let o=F(),a=H(),[e,n]=p(!K);return C(()=>{e||j.finally(()=>n(!0))},[]),C(()=>{document.documentElement.lang=o},[o]),C(()=>{let i=setTimeout(()=>window.__kwNavigated=!0,0);return()=>clearTimeout(i)},[a]),t`<${q} route=${a}>${e?t`<${ue} route=${a} key=${o} />`:t`<${N} />`}</${q}>`}A(t`<${le} />`,document.getElementById("app"));
