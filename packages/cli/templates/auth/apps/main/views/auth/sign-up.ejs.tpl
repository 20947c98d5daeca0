<h1>Sign up</h1>
<% if (locals.error) { %><p class="error" role="alert"><%= error %></p><% } %>
<form method="post" action="/auth/sign-up">
  <input type="hidden" name="_csrf" value="<%= csrf %>">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="email" required value="<%= values.email || '' %>">
  <% if (errors.email) { %><p class="field-error"><%= errors.email %></p><% } %>
  <label for="password">Password <small>(10 to 128 characters)</small></label>
  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="10" maxlength="128">
  <% if (errors.password) { %><p class="field-error"><%= errors.password %></p><% } %>
  <button type="submit">Sign up</button>
</form>
<p>Have an account? <a href="/auth/sign-in">Sign in</a>.</p>
