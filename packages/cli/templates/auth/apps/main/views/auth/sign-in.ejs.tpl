<h1>Sign in</h1>
<% if (locals.error) { %><p class="error" role="alert"><%= error %></p><% } %>
<form method="post" action="/auth/sign-in">
  <input type="hidden" name="_csrf" value="<%= csrf %>">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="<%= values.email || '' %>">
  <% if (errors.email) { %><p class="field-error"><%= errors.email %></p><% } %>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <% if (errors.password) { %><p class="field-error"><%= errors.password %></p><% } %>
  <button type="submit">Sign in</button>
</form>
<p>No account yet? <a href="/auth/sign-up">Sign up</a>.</p>
