import{c as J}from"./chunk-4G4BG4CZ.js";import{b as G}from"./chunk-BZ5WWFDX.js";import"./chunk-J42QO36I.js";import{A as H,B as O,C as T,D as z,E as K,F as j,G as U,I as _,L as V,N as v,O as l,P as f,Q as W,R as x,T as N,a as q,b as p,c as C,e,f as S,g as A,h as B,k as P,l as L,m as D,n as r,t as F,w as R,x as b,y as I}from"./chunk-7X2SHAUD.js";function M({children:o,route:a}){let t=H(),n=s=>a.name===s?"page":void 0,i=s=>()=>z(s,c=>V(c)).catch(()=>{}).then(()=>I("#/"));return e`
    <a class="skip" href="#main" onClick=${s=>{s.preventDefault();let c=document.getElementById("main");c.focus(),c.scrollIntoView()}}>${r("nav.skip")}</a>
    <header class="top">
      <a class="brand" href="#/">${r("app.name")}</a>
      <nav aria-label=${r("nav.label")}>
        <ul>
          <li><a href="#/" aria-current=${n("catalog")}>${r("nav.catalog")}</a></li>
          ${T(t,"learner")&&e`<li><a href="#/me/courses" aria-current=${n("myCourses")}>${r("nav.myCourses")}</a></li>`}
          ${T(t,"learner")&&e`<li><a href="#/subscriptions" aria-current=${n("subscriptions")}>${r("nav.subscriptions")}</a></li>`}
          ${T(t,"learner")&&e`<li><a href="#/payment-methods" aria-current=${n("paymentMethods")}>${r("nav.paymentMethods")}</a></li>`}
          ${T(t,"tutor")&&e`<li><a href="#/tutor" aria-current=${n("tutor")}>${r("nav.teach")}</a></li>`}
          ${!t&&e`<li><a href=${b(["login"])} aria-current=${n("login")}>${r("nav.login")}</a></li>
            <li><a href=${b(["signup"])} aria-current=${n("signup")}>${r("nav.signup")}</a></li>`}
          ${t&&e`<li><button type="button" class="link" onClick=${i(!1)}>${r("nav.logout")}</button></li>
            <li><button type="button" class="link" onClick=${i(!0)}>${r("nav.logoutAll")}</button></li>`}
        </ul>
      </nav>
      <div class="lang">
        <label for="lang-select">${r("nav.language")}</label>
        <select id="lang-select" value=${L().code} onChange=${s=>D(s.currentTarget.value)}>
          ${A.map(s=>e`<option value=${s.code} lang=${s.code}>${s.name}</option>`)}
        </select>
      </div>
      ${t&&e`<p class="who">${r("nav.signedInAs",{name:t.user.display_name})}</p>`}
    </header>
    <main id="main" tabindex="-1">${o}</main>
  `}var Q=o=>typeof o=="string"&&/^#\/[^/]/.test(o)&&!o.startsWith("#//")?o:"#/";async function X(o,a){let t=await _("/v1/sessions",{email:o,password:a});return O(t),t}function Y({query:o}){let[a,t]=S("login",{email:"",password:""}),[n,i]=p(null),[s,c]=p(!1),h=d=>k=>{let g=k.currentTarget.value;t(u=>({...u,[d]:g}))},w=async d=>{d.preventDefault(),c(!0),i(null);try{await X(a.email,a.password),t({email:"",password:""}),I(Q(o.next))}catch(k){i(k)}finally{c(!1)}},$=n&&n.code==="unauthenticated";return e`
    <${x} text=${r("auth.login.title")} />
    ${o.next&&e`<p class="note">${r("auth.needLogin")}</p>`}
    <form class="form narrow" onSubmit=${w} novalidate>
      <${l} id="login-email" label=${r("auth.email")} error=${f(n,"email")}>${d=>e`<input ...${d} type="email" autocomplete="username" value=${a.email} onInput=${h("email")} />`}</${l}>
      <${l} id="login-password" label=${r("auth.password")} error=${f(n,"password")}>${d=>e`<input ...${d} type="password" autocomplete="current-password" value=${a.password} onInput=${h("password")} />`}</${l}>
      ${$?e`<${v} message=${r("auth.badLogin")} />`:e`<${v} error=${n&&!Object.keys(n.fields).length?n:null} />`}
      <button type="submit" disabled=${s}>${r("auth.login.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${b(["signup"],{next:o.next})}>${r("auth.noAccount")}</a></p>
    </form>`}function Z({query:o}){let a=L(),[t,n]=S("signup",{email:"",password:"",display_name:"",learner:!0,tutor:!1,country:a.country}),[i,s]=p(null),[c,h]=p(!1),[w]=p(U),$=u=>m=>{let E=m.currentTarget.type==="checkbox"?m.currentTarget.checked:m.currentTarget.value;n(ee=>({...ee,[u]:E}))},d=async u=>{u.preventDefault(),h(!0),s(null);let m=[t.learner&&"learner",t.tutor&&"tutor"].filter(Boolean);try{await _("/v1/users",{email:t.email,password:t.password,display_name:t.display_name,roles:m,country:t.country},{idempotencyKey:w}),await X(t.email,t.password),n({...t,password:""}),I(Q(o.next||(t.tutor?"#/tutor":"#/")))}catch(E){s(E)}finally{h(!1)}},k=["email","password","display_name","roles","country"],g=f(i,"roles");return e`
    <${x} text=${r("auth.signup.title")} />
    <form class="form narrow" onSubmit=${d} novalidate>
      <${l} id="su-name" label=${r("auth.displayName")} required error=${f(i,"display_name")}>${u=>e`<input ...${u} autocomplete="name" value=${t.display_name} onInput=${$("display_name")} />`}</${l}>
      <${l} id="su-email" label=${r("auth.email")} required error=${f(i,"email")}>${u=>e`<input ...${u} type="email" autocomplete="email" value=${t.email} onInput=${$("email")} />`}</${l}>
      <${l} id="su-password" label=${r("auth.password")} required hint=${r("auth.passwordHint")} error=${f(i,"password")}>${u=>e`<input ...${u} type="password" autocomplete="new-password" value=${t.password} onInput=${$("password")} />`}</${l}>
      <fieldset class=${g?"invalid":""} aria-describedby=${g?"su-roles-error":void 0}>
        <legend>${r("auth.roles")}</legend>
        <div class="check"><input type="checkbox" id="su-learner" checked=${t.learner} onChange=${$("learner")} /><label for="su-learner">${r("auth.role.learner")}</label></div>
        <div class="check"><input type="checkbox" id="su-tutor" checked=${t.tutor} onChange=${$("tutor")} /><label for="su-tutor">${r("auth.role.tutor")}</label></div>
        ${g&&e`<p class="field-error" id="su-roles-error">${r("error.field")}: <span lang="en">${g}</span></p>`}
      </fieldset>
      <${l} id="su-country" label=${r("auth.country")} error=${f(i,"country")}>${u=>e`<select ...${u} value=${t.country} onChange=${$("country")}>${B.map(m=>e`<option value=${m}>${F(m)}</option>`)}</select>`}</${l}>
      <${v} error=${i} />
      ${W(i,k).map(([u,m])=>e`<p class="field-error">${u}: <span lang="en">${m}</span></p>`)}
      <button type="submit" disabled=${c}>${r("auth.signup.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${b(["login"],{next:o.next})}>${r("auth.haveAccount")}</a></p>
    </form>`}function y(o,a){let t=null;return function(i){let[,s]=p(!!t),[c,h]=p(null);if(C(()=>{t||o().then($=>(t=$,s(!0)),h)},[]),c)return e`<${v} error=${{code:"network",message:""}} />`;if(!t)return e`<${N} />`;let w=t[a];return e`<${w} ...${i} />`}}var te=y(()=>import("./chunk-OBLVAVEU.js"),"Learn"),re=y(()=>import("./chunk-TDYXIGEP.js"),"MyCourses"),oe=y(()=>import("./chunk-6NZXIZ4D.js"),"PaymentMethods"),ae=y(()=>import("./chunk-M6J6EJ7H.js"),"Subscriptions"),ne=y(()=>import("./chunk-2TDYEAOY.js"),"TutorHome"),se=y(()=>import("./chunk-2TDYEAOY.js"),"TutorNew"),ie=y(()=>import("./chunk-2TDYEAOY.js"),"TutorCourse"),ue=y(()=>import("./chunk-2TDYEAOY.js"),"TutorItem");function le({route:o}){let[a,t]=o.params;switch(o.name){case"catalog":return e`<${G} query=${o.query} />`;case"course":return e`<${J} id=${a} key=${a} />`;case"learn":return e`<${te} courseId=${a} itemId=${t} key=${a+t} />`;case"login":return e`<${Y} query=${o.query} />`;case"signup":return e`<${Z} query=${o.query} />`;case"myCourses":return e`<${re} />`;case"paymentMethods":return e`<${oe} />`;case"subscriptions":return e`<${ae} />`;case"tutor":return e`<${ne} />`;case"tutorNew":return e`<${se} />`;case"tutorCourse":return e`<${ie} id=${a} key=${a} />`;case"tutorItem":return e`<${ue} courseId=${a} itemId=${t} key=${a+t} />`;default:return e`<${x} text=${r("error.not_found")} /><p><a href="#/">${r("nav.catalog")}</a></p>`}}function ce(){let o=P(),a=R(),[t,n]=p(!K);return C(()=>{t||j.finally(()=>n(!0))},[]),C(()=>{document.documentElement.lang=o},[o]),C(()=>{let i=setTimeout(()=>window.__kwNavigated=!0,0);return()=>clearTimeout(i)},[a]),e`<${M} route=${a}>${t?e`<${le} route=${a} key=${o} />`:e`<${N} />`}</${M}>`}q(e`<${ce} />`,document.getElementById("app"));
