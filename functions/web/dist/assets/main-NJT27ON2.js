import{c as j}from"./chunk-HGGWAIAF.js";import{b as M}from"./chunk-WYPRH2OX.js";import{A as O,B as P,C,E as y,F as c,G as d,H as R,I as k,K as z,L as K,N as E,a as _,b as m,c as T,e as r,f as L,g as N,h as q,k as A,l as x,m as B,n as t,t as D,v as F,w as h,x as w,z as H}from"./chunk-R57K5MG7.js";function S({children:o,route:a}){let e=H(),n=s=>a.name===s?"page":void 0,i=()=>{P(),w("#/")};return r`
    <a class="skip" href="#main" onClick=${s=>{s.preventDefault();let p=document.getElementById("main");p.focus(),p.scrollIntoView()}}>${t("nav.skip")}</a>
    <header class="top">
      <a class="brand" href="#/">${t("app.name")}</a>
      <nav aria-label=${t("nav.label")}>
        <ul>
          <li><a href="#/" aria-current=${n("catalog")}>${t("nav.catalog")}</a></li>
          ${C(e,"learner")&&r`<li><a href="#/subscriptions" aria-current=${n("subscriptions")}>${t("nav.subscriptions")}</a></li>`}
          ${C(e,"tutor")&&r`<li><a href="#/tutor" aria-current=${n("tutor")}>${t("nav.teach")}</a></li>`}
          ${!e&&r`<li><a href=${h(["login"])} aria-current=${n("login")}>${t("nav.login")}</a></li>
            <li><a href=${h(["signup"])} aria-current=${n("signup")}>${t("nav.signup")}</a></li>`}
          ${e&&r`<li><button type="button" class="link" onClick=${i}>${t("nav.logout")}</button></li>`}
        </ul>
      </nav>
      <div class="lang">
        <label for="lang-select">${t("nav.language")}</label>
        <select id="lang-select" value=${x().code} onChange=${s=>B(s.currentTarget.value)}>
          ${N.map(s=>r`<option value=${s.code} lang=${s.code}>${s.name}</option>`)}
        </select>
      </div>
      ${e&&r`<p class="who">${t("nav.signedInAs",{name:e.user.display_name})}</p>`}
    </header>
    <main id="main" tabindex="-1">${o}</main>
  `}var U=o=>typeof o=="string"&&/^#\/[^/]/.test(o)&&!o.startsWith("#//")?o:"#/";async function V(o,a){let e=await E("/v1/sessions",{email:o,password:a});return O({token:e.access_token,expiresAt:e.expires_at,user:e.user}),e}function W({query:o}){let[a,e]=L("login",{email:"",password:""}),[n,i]=m(null),[s,p]=m(!1),g=async u=>{u.preventDefault(),p(!0),i(null);try{await V(a.email,a.password),e({email:"",password:""}),w(U(o.next))}catch(f){i(f)}finally{p(!1)}},v=n&&n.code==="unauthenticated";return r`
    <${k} text=${t("auth.login.title")} />
    ${o.next&&r`<p class="note">${t("auth.needLogin")}</p>`}
    <form class="form narrow" onSubmit=${g} novalidate>
      <${c} id="login-email" label=${t("auth.email")} error=${d(n,"email")}>${u=>r`<input ...${u} type="email" autocomplete="username" value=${a.email} onInput=${f=>e({...a,email:f.currentTarget.value})} />`}</${c}>
      <${c} id="login-password" label=${t("auth.password")} error=${d(n,"password")}>${u=>r`<input ...${u} type="password" autocomplete="current-password" value=${a.password} onInput=${f=>e({...a,password:f.currentTarget.value})} />`}</${c}>
      ${v?r`<${y} message=${t("auth.badLogin")} />`:r`<${y} error=${n&&!Object.keys(n.fields).length?n:null} />`}
      <button type="submit" disabled=${s}>${t("auth.login.submit")}</button>
      <p class="hint">${t("auth.memoryNote")}</p>
      <p><a href=${h(["signup"],{next:o.next})}>${t("auth.noAccount")}</a></p>
    </form>`}function G({query:o}){let a=x(),[e,n]=L("signup",{email:"",password:"",display_name:"",learner:!0,tutor:!1,country:a.country}),[i,s]=m(null),[p,g]=m(!1),[v]=m(K),u=l=>$=>n({...e,[l]:$.currentTarget.type==="checkbox"?$.currentTarget.checked:$.currentTarget.value}),f=async l=>{l.preventDefault(),g(!0),s(null);let $=[e.learner&&"learner",e.tutor&&"tutor"].filter(Boolean);try{await E("/v1/users",{email:e.email,password:e.password,display_name:e.display_name,roles:$,country:e.country},{idempotencyKey:v}),await V(e.email,e.password),n({...e,password:""}),w(U(o.next||(e.tutor?"#/tutor":"#/")))}catch(Q){s(Q)}finally{g(!1)}},J=["email","password","display_name","roles","country"],I=d(i,"roles");return r`
    <${k} text=${t("auth.signup.title")} />
    <form class="form narrow" onSubmit=${f} novalidate>
      <${c} id="su-name" label=${t("auth.displayName")} required error=${d(i,"display_name")}>${l=>r`<input ...${l} autocomplete="name" value=${e.display_name} onInput=${u("display_name")} />`}</${c}>
      <${c} id="su-email" label=${t("auth.email")} required error=${d(i,"email")}>${l=>r`<input ...${l} type="email" autocomplete="email" value=${e.email} onInput=${u("email")} />`}</${c}>
      <${c} id="su-password" label=${t("auth.password")} required hint=${t("auth.passwordHint")} error=${d(i,"password")}>${l=>r`<input ...${l} type="password" autocomplete="new-password" value=${e.password} onInput=${u("password")} />`}</${c}>
      <fieldset class=${I?"invalid":""} aria-describedby=${I?"su-roles-error":void 0}>
        <legend>${t("auth.roles")}</legend>
        <div class="check"><input type="checkbox" id="su-learner" checked=${e.learner} onChange=${u("learner")} /><label for="su-learner">${t("auth.role.learner")}</label></div>
        <div class="check"><input type="checkbox" id="su-tutor" checked=${e.tutor} onChange=${u("tutor")} /><label for="su-tutor">${t("auth.role.tutor")}</label></div>
        ${I&&r`<p class="field-error" id="su-roles-error">${t("error.field")}: <span lang="en">${I}</span></p>`}
      </fieldset>
      <${c} id="su-country" label=${t("auth.country")} error=${d(i,"country")}>${l=>r`<select ...${l} value=${e.country} onChange=${u("country")}>${q.map($=>r`<option value=${$}>${D($)}</option>`)}</select>`}</${c}>
      <${y} error=${i} />
      ${R(i,J).map(([l,$])=>r`<p class="field-error">${l}: <span lang="en">${$}</span></p>`)}
      <button type="submit" disabled=${p}>${t("auth.signup.submit")}</button>
      <p class="hint">${t("auth.memoryNote")}</p>
      <p><a href=${h(["login"],{next:o.next})}>${t("auth.haveAccount")}</a></p>
    </form>`}function b(o,a){let e=null;return function(i){let[,s]=m(!!e),[p,g]=m(null);if(T(()=>{e||o().then(u=>(e=u,s(!0)),g)},[]),p)return r`<${y} error=${{code:"network",message:""}} />`;if(!e)return r`<${z} />`;let v=e[a];return r`<${v} ...${i} />`}}var X=b(()=>import("./chunk-GGEZ3DPG.js"),"Learn"),Y=b(()=>import("./chunk-SQOIWGJP.js"),"Subscriptions"),Z=b(()=>import("./chunk-4A3PW6SK.js"),"TutorHome"),ee=b(()=>import("./chunk-4A3PW6SK.js"),"TutorNew"),re=b(()=>import("./chunk-4A3PW6SK.js"),"TutorCourse"),te=b(()=>import("./chunk-4A3PW6SK.js"),"TutorItem");function oe({route:o}){let[a,e]=o.params;switch(o.name){case"catalog":return r`<${M} query=${o.query} />`;case"course":return r`<${j} id=${a} key=${a} />`;case"learn":return r`<${X} courseId=${a} itemId=${e} key=${a+e} />`;case"login":return r`<${W} query=${o.query} />`;case"signup":return r`<${G} query=${o.query} />`;case"subscriptions":return r`<${Y} />`;case"tutor":return r`<${Z} />`;case"tutorNew":return r`<${ee} />`;case"tutorCourse":return r`<${re} id=${a} key=${a} />`;case"tutorItem":return r`<${te} courseId=${a} itemId=${e} key=${a+e} />`;default:return r`<${k} text=${t("error.not_found")} /><p><a href="#/">${t("nav.catalog")}</a></p>`}}function ae(){let o=A(),a=F();return T(()=>{document.documentElement.lang=o},[o]),T(()=>{let e=setTimeout(()=>window.__kwNavigated=!0,0);return()=>clearTimeout(e)},[a]),r`<${S} route=${a}><${oe} route=${a} key=${o} /></${S}>`}_(r`<${ae} />`,document.getElementById("app"));
