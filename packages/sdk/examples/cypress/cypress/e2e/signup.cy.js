/* global describe, it, cy */
// Start the application under test first (`node app.mjs`), then `npx cypress run`.
describe('sign up', () => {
  it('mails a code that confirms the account', () => {
    cy.task('tempmailNew').then((box) => {
      cy.visit('/');
      cy.get('#email').type(box.email);
      cy.contains('Sign up').click();
      cy.task('tempmailWaitForOtp', { ...box, timeout: 60000 }).then((code) => {
        cy.get('#code').type(code);
        cy.contains('Verify').click();
        cy.get('h1').should('have.text', `Welcome, ${box.email}`);
      });
      cy.task('tempmailDelete', box);
    });
  });
});
