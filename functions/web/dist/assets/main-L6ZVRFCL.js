import{c as J}from"./chunk-QUQHPUV3.js";import{b as G}from"./chunk-CA5MWNZD.js";import"./chunk-IYJ53G5J.js";import{A as H,B as P,C as E,D as j,E as V,F as z,G as K,I as C,L as U,N as g,O as $,P as y,Q as W,R as v,T as N,a as M,b as l,c as w,e,f as _,g as B,h as A,k as D,l as L,m as F,n as r,t as R,w as O,x as T,y as I}from"./chunk-ID4SBXMM.js";function q({children:o,route:a}){let t=H(),s=u=>a.name===u?"page":void 0,n=u=>()=>j(u,p=>U(p)).catch(()=>{}).then(()=>I("#/"));return e`
    <a class="skip" href="#main" onClick=${u=>{u.preventDefault();let p=document.getElementById("main");p.focus(),p.scrollIntoView()}}>${r("nav.skip")}</a>
    <header class="top">
      <a class="brand" href="#/">${r("app.name")}</a>
      <nav aria-label=${r("nav.label")}>
        <ul>
          <li><a href="#/" aria-current=${s("catalog")}>${r("nav.catalog")}</a></li>
          ${E(t,"learner")&&e`<li><a href="#/me/courses" aria-current=${s("myCourses")}>${r("nav.myCourses")}</a></li>`}
          ${E(t,"learner")&&e`<li><a href="#/subscriptions" aria-current=${s("subscriptions")}>${r("nav.subscriptions")}</a></li>`}
          ${E(t,"learner")&&e`<li><a href="#/payment-methods" aria-current=${s("paymentMethods")}>${r("nav.paymentMethods")}</a></li>`}
          ${E(t,"tutor")&&e`<li><a href="#/tutor" aria-current=${s("tutor")}>${r("nav.teach")}</a></li>`}
          ${!t&&e`<li><a href=${T(["login"])} aria-current=${s("login")}>${r("nav.login")}</a></li>
            <li><a href=${T(["signup"])} aria-current=${s("signup")}>${r("nav.signup")}</a></li>`}
          ${t&&e`<li><button type="button" class="link" onClick=${n(!1)}>${r("nav.logout")}</button></li>
            <li><button type="button" class="link" onClick=${n(!0)}>${r("nav.logoutAll")}</button></li>`}
        </ul>
      </nav>
      <div class="lang">
        <label for="lang-select">${r("nav.language")}</label>
        <select id="lang-select" value=${L().code} onChange=${u=>F(u.currentTarget.value)}>
          ${B.map(u=>e`<option value=${u.code} lang=${u.code}>${u.name}</option>`)}
        </select>
      </div>
      ${t&&e`<p class="who">${r("nav.signedInAs",{name:t.user.display_name})}</p>`}
    </header>
    <main id="main" tabindex="-1">${o}</main>
  `}var Q=o=>typeof o=="string"&&/^#\/[^/]/.test(o)&&!o.startsWith("#//")?o:"#/";async function X(o,a){let t=await C("/v1/sessions",{email:o,password:a});return P(t),t}function Y({query:o}){let[a,t]=_("login",{email:"",password:""}),[s,n]=l(null),[u,p]=l(!1),d=i=>f=>{let x=f.currentTarget.value;t(m=>({...m,[i]:x}))},b=async i=>{i.preventDefault(),p(!0),n(null);try{await X(a.email,a.password),t({email:"",password:""}),I(Q(o.next))}catch(f){n(f)}finally{p(!1)}},c=s&&s.code==="unauthenticated";return e`
    <${v} text=${r("auth.login.title")} />
    ${o.next&&e`<p class="note">${r("auth.needLogin")}</p>`}
    <form class="form narrow" onSubmit=${b} novalidate>
      <${$} id="login-email" label=${r("auth.email")} error=${y(s,"email")}>${i=>e`<input ...${i} type="email" autocomplete="username" value=${a.email} onInput=${d("email")} />`}</${$}>
      <${$} id="login-password" label=${r("auth.password")} error=${y(s,"password")}>${i=>e`<input ...${i} type="password" autocomplete="current-password" value=${a.password} onInput=${d("password")} />`}</${$}>
      ${c?e`<${g} message=${r("auth.badLogin")} />`:e`<${g} error=${s&&!Object.keys(s.fields).length?s:null} />`}
      <button type="submit" disabled=${u}>${r("auth.login.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${T(["signup"],{next:o.next})}>${r("auth.noAccount")}</a></p>
      <p><a href="#/forgot-password">${r("auth.forgot.link")}</a></p>
    </form>`}function Z({query:o}){let a=L(),[t,s]=_("signup",{email:"",password:"",display_name:"",learner:!0,tutor:!1,country:a.country}),[n,u]=l(null),[p,d]=l(!1),[b]=l(K),c=m=>h=>{let S=h.currentTarget.type==="checkbox"?h.currentTarget.checked:h.currentTarget.value;s(ae=>({...ae,[m]:S}))},i=async m=>{m.preventDefault(),d(!0),u(null);let h=[t.learner&&"learner",t.tutor&&"tutor"].filter(Boolean);try{await C("/v1/users",{email:t.email,password:t.password,display_name:t.display_name,roles:h,country:t.country},{idempotencyKey:b}),await X(t.email,t.password),s({...t,password:""}),I(Q(o.next||(t.tutor?"#/tutor":"#/")))}catch(S){u(S)}finally{d(!1)}},f=["email","password","display_name","roles","country"],x=y(n,"roles");return e`
    <${v} text=${r("auth.signup.title")} />
    <form class="form narrow" onSubmit=${i} novalidate>
      <${$} id="su-name" label=${r("auth.displayName")} required error=${y(n,"display_name")}>${m=>e`<input ...${m} autocomplete="name" value=${t.display_name} onInput=${c("display_name")} />`}</${$}>
      <${$} id="su-email" label=${r("auth.email")} required error=${y(n,"email")}>${m=>e`<input ...${m} type="email" autocomplete="email" value=${t.email} onInput=${c("email")} />`}</${$}>
      <${$} id="su-password" label=${r("auth.password")} required hint=${r("auth.passwordHint")} error=${y(n,"password")}>${m=>e`<input ...${m} type="password" autocomplete="new-password" value=${t.password} onInput=${c("password")} />`}</${$}>
      <fieldset class=${x?"invalid":""} aria-describedby=${x?"su-roles-error":void 0}>
        <legend>${r("auth.roles")}</legend>
        <div class="check"><input type="checkbox" id="su-learner" checked=${t.learner} onChange=${c("learner")} /><label for="su-learner">${r("auth.role.learner")}</label></div>
        <div class="check"><input type="checkbox" id="su-tutor" checked=${t.tutor} onChange=${c("tutor")} /><label for="su-tutor">${r("auth.role.tutor")}</label></div>
        ${x&&e`<p class="field-error" id="su-roles-error">${r("error.field")}: <span lang="en">${x}</span></p>`}
      </fieldset>
      <${$} id="su-country" label=${r("auth.country")} error=${y(n,"country")}>${m=>e`<select ...${m} value=${t.country} onChange=${c("country")}>${A.map(h=>e`<option value=${h}>${R(h)}</option>`)}</select>`}</${$}>
      <${g} error=${n} />
      ${W(n,f).map(([m,h])=>e`<p class="field-error">${m}: <span lang="en">${h}</span></p>`)}
      <button type="submit" disabled=${p}>${r("auth.signup.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${T(["login"],{next:o.next})}>${r("auth.haveAccount")}</a></p>
    </form>`}function ee(o,a){let[t]=l(()=>o.token||"");return w(()=>{o.token&&I("#/"+a,{replace:!0})},[]),t}function te({query:o}){let a=ee(o,"verify-email"),[t,s]=l(a?"busy":"failed");return w(()=>{a&&C("/v1/email-verifications",{token:a}).then(()=>s("done"),()=>s("failed"))},[]),e`
    <${v} text=${r("auth.verify.title")} />
    ${t==="busy"&&e`<p role="status">${r("auth.verify.busy")}</p>`}
    ${t==="done"&&e`<p role="status" class="note">${r("auth.verify.done")}</p><p><a href="#/">${r("nav.catalog")}</a></p>`}
    ${t==="failed"&&e`<${g} message=${r("auth.verify.failed")} /><p><a href="#/login">${r("auth.login.title")}</a></p>`}`}function re(){let[o,a]=l(""),[t,s]=l(null),[n,u]=l(!1),[p,d]=l(!1),b=async c=>{c.preventDefault(),d(!0),s(null);try{await C("/v1/password-resets",{email:o}),u(!0)}catch(i){s(i)}finally{d(!1)}};return e`
    <${v} text=${r("auth.forgot.title")} />
    ${n?e`<p role="status" class="note">${r("auth.forgot.sent")}</p>`:e`<form class="form narrow" onSubmit=${b} novalidate>
          <${$} id="forgot-email" label=${r("auth.email")} error=${y(t,"email")}>${c=>e`<input ...${c} type="email" autocomplete="username" value=${o} onInput=${i=>a(i.currentTarget.value)} />`}</${$}>
          <${g} error=${t&&!Object.keys(t.fields).length?t:null} />
          <button type="submit" disabled=${p}>${r("auth.forgot.submit")}</button>
        </form>`}`}function oe({query:o}){let a=ee(o,"reset-password"),[t,s]=l(""),[n,u]=l(null),[p,d]=l(!1),b=async i=>{i.preventDefault(),d(!0),u(null);try{let f=await C("/v1/password-resets/confirm",{token:a,new_password:t});P(f),s(""),I("#/")}catch(f){u(f)}finally{d(!1)}},c=n&&y(n,"token");return e`
    <${v} text=${r("auth.reset.title")} />
    <form class="form narrow" onSubmit=${b} novalidate>
      <${$} id="reset-password" label=${r("auth.reset.new")} hint=${r("auth.passwordHint")} error=${y(n,"new_password")}>${i=>e`<input ...${i} type="password" autocomplete="new-password" value=${t} onInput=${f=>s(f.currentTarget.value)} />`}</${$}>
      ${c?e`<${g} message=${r("auth.reset.badLink")} /><p><a href="#/forgot-password">${r("auth.forgot.link")}</a></p>`:e`<${g} error=${n&&!Object.keys(n.fields).length?n:null} />`}
      <button type="submit" disabled=${p||!a}>${r("auth.reset.submit")}</button>
    </form>`}function k(o,a){let t=null;return function(n){let[,u]=l(!!t),[p,d]=l(null);if(w(()=>{t||o().then(c=>(t=c,u(!0)),d)},[]),p)return e`<${g} error=${{code:"network",message:""}} />`;if(!t)return e`<${N} />`;let b=t[a];return e`<${b} ...${n} />`}}var se=k(()=>import("./chunk-YMAYNQSZ.js"),"Learn"),ne=k(()=>import("./chunk-7VV5YONQ.js"),"MyCourses"),ue=k(()=>import("./chunk-FVRCHT5A.js"),"PaymentMethods"),le=k(()=>import("./chunk-PXAM3GUM.js"),"Subscriptions"),ie=k(()=>import("./chunk-X5I5C57M.js"),"TutorHome"),$e=k(()=>import("./chunk-X5I5C57M.js"),"TutorNew"),ce=k(()=>import("./chunk-X5I5C57M.js"),"TutorCourse"),pe=k(()=>import("./chunk-X5I5C57M.js"),"TutorItem");function me({route:o}){let[a,t]=o.params;switch(o.name){case"catalog":return e`<${G} query=${o.query} />`;case"course":return e`<${J} id=${a} key=${a} />`;case"learn":return e`<${se} courseId=${a} itemId=${t} key=${a+t} />`;case"login":return e`<${Y} query=${o.query} />`;case"signup":return e`<${Z} query=${o.query} />`;case"verifyEmail":return e`<${te} query=${o.query} />`;case"forgotPassword":return e`<${re} />`;case"resetPassword":return e`<${oe} query=${o.query} />`;case"myCourses":return e`<${ne} />`;case"paymentMethods":return e`<${ue} />`;case"subscriptions":return e`<${le} />`;case"tutor":return e`<${ie} />`;case"tutorNew":return e`<${$e} />`;case"tutorCourse":return e`<${ce} id=${a} key=${a} />`;case"tutorItem":return e`<${pe} courseId=${a} itemId=${t} key=${a+t} />`;default:return e`<${v} text=${r("error.not_found")} /><p><a href="#/">${r("nav.catalog")}</a></p>`}}function de(){let o=D(),a=O(),[t,s]=l(!V);return w(()=>{t||z.finally(()=>s(!0))},[]),w(()=>{document.documentElement.lang=o},[o]),w(()=>{let n=setTimeout(()=>window.__kwNavigated=!0,0);return()=>clearTimeout(n)},[a]),e`<${q} route=${a}>${t?e`<${me} route=${a} key=${o} />`:e`<${N} />`}</${q}>`}M(e`<${de} />`,document.getElementById("app"));
