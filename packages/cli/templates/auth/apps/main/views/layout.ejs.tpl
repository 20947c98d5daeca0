<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title><%= locals.title || 'Welcome' %></title>
  </head>
  <body>
    <header>
      <% if (locals.me) { %>
        <a href="/auth/account"><%= me.email %></a>
        <form method="post" action="/auth/sign-out" style="display: inline">
          <input type="hidden" name="_csrf" value="<%= locals.csrf %>">
          <button type="submit">Sign out</button>
        </form>
      <% } else { %>
        <a href="/auth/sign-in">Sign in</a> · <a href="/auth/sign-up">Sign up</a>
      <% } %>
    </header>
    <main>
      <%- body %>
    </main>
  </body>
</html>
