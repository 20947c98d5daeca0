<h1>Your account</h1>
<p>Signed in as <strong><%= me.email %></strong>, a member since <%= me.created_at.toISOString().slice(0, 10) %>.</p>
<form method="post" action="/auth/sign-out">
  <input type="hidden" name="_csrf" value="<%= csrf %>">
  <button type="submit">Sign out</button>
</form>
