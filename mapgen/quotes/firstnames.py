"""The most common English given names and surnames (written by tools/build_wordlists.py:
do not edit).

From the US Census Bureau's 1990 name frequencies (public domain), as the ``names``
package ships them (MIT): every given name borne by at least 0.005% of the men or
of the women counted, and every surname borne by at least 0.01% of the
people.  :mod:`mapgen.quotes.people` reads a capitalised word after a given name as a
surname, and a given name that is also a place's (``Georgia``) before a surname as a
person's.
"""

from __future__ import annotations


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: 2384 given names, capitalised.
FIRST_NAMES = _names(
    """
Aaron Abbie Abby Abdul Abe Abel Abigail Abraham Abram Ada Adalberto Adam Adan Addie Adela
Adelaide Adele Adelina Adeline Adell Adolfo Adolph Adrian Adriana Adrianne Adrienne Agatha
Agnes Agustin Ahmad Ahmed Aida Aileen Aimee Aisha Al Alaina Alan Alana Alba Albert Alberta
Alberto Alden Aldo Alec Alecia Alejandra Alejandro Alene Aletha Alex Alexa Alexander
Alexandra Alexandria Alexis Alfonso Alfonzo Alfred Alfreda Alfredo Ali Alice Alicia Alina
Aline Alisa Alisha Alison Alissa Allan Allen Allene Allie Allison Allyson Alma Alonzo Alpha
Alphonse Alphonso Alta Althea Alton Alva Alvaro Alvin Alvina Alyce Alyson Alyssa Amado
Amalia Amanda Amber Amelia Amie Amos Amparo Amy Ana Anastasia Anderson Andra Andre Andrea
Andres Andrew Andria Andy Angel Angela Angelia Angelica Angelina Angeline Angelique Angelita
Angelo Angie Anibal Anissa Anita Ann Anna Annabelle Annamarie Anne Annemarie Annetta Annette
Annie Annmarie Anthony Antionette Antoine Antoinette Anton Antone Antonette Antonia Antonio
Antony Antwan April Araceli Archie Aretha Ariana Ariel Arleen Arlene Arline Armand Armando
Arnold Arnulfo Aron Arron Art Arthur Arturo Ashlee Ashleigh Ashley Asia Athena Aubrey Audra
Audrey August Augusta Augustine Augustus Aura Aurelia Aurelio Aurora Austin Autumn Ava Avery
Avis Barb Barbara Barbra Barney Barrett Barry Bart Barton Basil Beatrice Beatriz Beau Becky
Belen Belinda Bella Belle Belva Ben Benita Benito Benjamin Bennett Bennie Benny Bernadette
Bernadine Bernard Bernardo Bernice Bernie Berniece Berry Bert Berta Bertha Bertie Bertram
Beryl Bess Bessie Beth Bethany Betsy Bette Bettie Bettina Betty Bettye Beulah Beverley
Beverly Bianca Bill Billie Billy Birdie Blaine Blair Blake Blanca Blanche Bo Bob Bobbi
Bobbie Bobby Bonita Bonnie Booker Boris Boyd Brad Bradford Bradley Bradly Brady Brain
Branden Brandi Brandie Brandon Brandy Brant Breanna Brenda Brendan Brendon Brenna Brent
Brenton Bret Brett Brian Briana Brianna Brianne Brice Bridget Bridgett Bridgette Brigitte
Britney Brittany Brittney Brock Brooke Brooks Bruce Bruno Bryan Bryant Bryce Bryon Bud Buddy
Buford Burl Burt Burton Byron Caitlin Caleb Callie Calvin Cameron Camilla Camille Candace
Candi Candice Candida Candy Cara Caren Carey Cari Caridad Carissa Carl Carla Carlene Carlo
Carlos Carlton Carly Carmel Carmela Carmelita Carmella Carmelo Carmen Carmine Carol Carole
Carolina Caroline Carolyn Carrie Carrol Carroll Carson Carter Cary Caryn Casandra Casey
Cassandra Cassie Catalina Catharine Catherine Cathleen Cathrine Cathryn Cathy Catrina
Cecelia Cecil Cecile Cecilia Cedric Celeste Celestine Celia Celina Cesar Chad Chadwick
Chance Chandra Chanel Chang Chantal Chantel Charity Charla Charleen Charlene Charles Charley
Charlie Charline Charlotte Charmaine Chase Chasity Chastity Chauncey Chelsea Chelsey Cheri
Cherie Cherry Cheryl Chester Chet Chi Chiquita Chloe Chong Chris Christa Christal Christen
Christi Christian Christie Christin Christina Christine Christoper Christopher Christy
Chrystal Chuck Chung Cindi Cindy Clair Claire Clara Clare Clarence Clarice Clarissa Clark
Claude Claudette Claudia Claudine Claudio Clay Clayton Clement Clementine Cleo Cletus
Cleveland Cliff Clifford Clifton Clint Clinton Clyde Cody Colby Cole Coleen Coleman Colette
Colin Colleen Collette Collin Columbus Concepcion Concetta Connie Conrad Constance Consuelo
Cora Cordelia Corey Cori Corina Corine Corinne Cornelia Cornelius Cornell Corrie Corrine
Cortney Cory Courtney Coy Craig Cristal Cristina Cristy Cruz Crystal Curt Curtis Cynthia
Cyril Cyrus Daisy Dale Dalia Dallas Dalton Damaris Damian Damien Damion Damon Dan Dana Dane
Danelle Danette Danial Daniel Daniela Danielle Danita Danna Dannie Danny Dante Daphne Dara
Darcy Daren Darin Dario Darius Darla Darleen Darlene Darnell Darrel Darrell Darren Darrick
Darrin Darryl Darwin Daryl Dave David Davis Dawn Dayna Dean Deana Deandre Deann Deanna
Deanne Debbie Debby Debi Debora Deborah Debra Debrah Dee Deena Deidra Deidre Deirdre Delbert
Delfina Delia Delilah Della Delma Delmar Delmer Delois Delores Deloris Delphine Demarcus
Demetria Demetrius Dena Denice Denis Denise Dennis Denny Denver Deon Derek Derick Derrick
Desiree Desmond Dessie Destiny Devin Devon Dewayne Dewey Dewitt Dexter Diana Diane Diann
Dianna Dianne Dick Diego Dillon Dina Dinah Dino Dion Dionne Dirk Dixie Dollie Dolly Dolores
Dominga Domingo Dominic Dominick Dominique Don Dona Donald Donn Donna Donnell Donnie Donny
Donovan Donte Dora Dorcas Doreen Dorene Doretha Dorian Doris Dorothea Dorothy Dorris Dortha
Dorthy Dottie Doug Douglas Dovie Doyle Drew Duane Dudley Dulce Duncan Dustin Dusty Dwain
Dwayne Dwight Dylan Earl Earle Earlene Earline Earnest Earnestine Easter Ebony Ed Eddie Eddy
Edgar Edgardo Edith Edmond Edmund Edna Eduardo Edward Edwardo Edwin Edwina Edythe Effie
Efrain Efren Eileen Elaine Elba Elbert Elda Eldon Eleanor Eleanore Elena Eli Elia Elias
Elida Elijah Elinor Elisa Elisabeth Elise Eliseo Elisha Elissa Eliza Elizabeth Ella Ellen
Ellie Elliot Elliott Ellis Elma Elmer Elmo Elnora Eloisa Eloise Elouise Eloy Elsa Elsie
Elton Elva Elvia Elvin Elvira Elvis Elwood Elyse Emanuel Emerson Emery Emil Emile Emilia
Emilie Emilio Emily Emma Emmanuel Emmett Emory Enid Enoch Enrique Eric Erica Erich Erick
Ericka Erik Erika Erin Erlinda Erma Erna Ernest Ernestina Ernestine Ernesto Ernie Errol
Ervin Erwin Esmeralda Esperanza Essie Esteban Estela Estella Estelle Ester Esther Ethan
Ethel Etta Eugene Eugenia Eugenio Eula Eulalia Eunice Eva Evan Evangelina Evangeline Eve
Evelyn Everett Everette Evette Ezra Fabian Fabiola Faith Fannie Fanny Fatima Faustino Fay
Faye Federico Felecia Felicia Felicita Felipe Felix Ferdinand Fermin Fern Fernando Fidel
Filomena Fletcher Flor Flora Florence Florencio Florine Flossie Floy Floyd Forest Forrest
Foster Fran Frances Francesca Francine Francis Francisca Francisco Frank Frankie Franklin
Fred Freda Freddie Freddy Frederic Frederick Fredric Fredrick Freeman Freida Frieda Fritz
Gabriel Gabriela Gabriella Gabrielle Gail Gale Galen Garfield Garland Garrett Garry Garth
Gary Gavin Gay Gaye Gayla Gayle Gena Genaro Gene Geneva Genevieve Genoveva Geoffrey George
Georgette Georgia Georgiana Georgianna Georgina Gerald Geraldine Geraldo Gerard Gerardo Geri
Germaine German Gerri Gerry Gertie Gertrude Gil Gilbert Gilberto Gilda Gillian Gina Ginger
Ginny Gino Giovanni Gisela Giuseppe Gladys Glen Glenda Glenn Glenna Gloria Goldie Gonzalo
Gordon Grace Gracie Graciela Grady Graham Grant Greg Gregg Gregoria Gregorio Gregory Greta
Gretchen Griselda Grover Guadalupe Guillermina Guillermo Gus Gussie Gustavo Guy Gwen
Gwendolyn Hal Haley Hallie Hank Hanna Hannah Hans Harlan Harley Harold Harriet Harriett
Harriette Harris Harrison Harry Harvey Hassan Hattie Haydee Hayley Hazel Heath Heather
Hector Heidi Helen Helena Helene Helga Hellen Henrietta Henry Herbert Heriberto Herlinda
Herman Herminia Herschel Hershel Hester Hilario Hilary Hilda Hildegard Hillary Hilton
Hipolito Hiram Hollie Hollis Holly Homer Hope Horace Horacio Hortencia Houston Howard Hubert
Huey Hugh Hugo Humberto Hung Hunter Ian Ida Idella Ignacio Ila Ilene Ima Imelda Imogene Ina
India Ines Inez Ingrid Iola Iona Ione Ira Irene Iris Irma Irvin Irving Irwin Isaac Isabel
Isabell Isabella Isabelle Isaiah Isaias Isiah Isidro Ismael Israel Issac Iva Ivan Ivette
Ivonne Ivory Ivy Jack Jackie Jacklyn Jackson Jaclyn Jacob Jacque Jacquelin Jacqueline
Jacquelyn Jacques Jacquline Jade Jaime Jake Jamaal Jamal Jamar Jame Jamel James Jamey Jami
Jamie Jamison Jan Jana Jane Janel Janell Janelle Janet Janette Janice Janie Janine Janis
Janna Jannette Jannie Jaqueline Jared Jarred Jarrett Jarrod Jarvis Jasmin Jasmine Jason
Jasper Javier Jay Jayme Jayne Jayson Jean Jeana Jeanette Jeanie Jeanine Jeanna Jeanne
Jeannette Jeannie Jeannine Jed Jeff Jefferey Jefferson Jeffery Jeffrey Jeffry Jena Jenifer
Jenna Jennie Jennifer Jenny Jerald Jeremiah Jeremy Jeri Jermaine Jerold Jerome Jerri Jerrod
Jerrold Jerry Jesica Jess Jesse Jessica Jessie Jesus Jewel Jewell Jill Jillian Jim Jimmie
Jimmy Jo Joan Joann Joanna Joanne Joaquin Jocelyn Jodi Jodie Jody Joe Joel Joelle Joesph
Joey Johanna John Johnathan Johnathon Johnie Johnna Johnnie Johnny Jolene Jon Jonah Jonas
Jonathan Jonathon Joni Jordan Jorge Jose Josef Josefa Josefina Joseph Josephine Josette Josh
Joshua Josiah Josie Josue Jovita Joy Joyce Juan Juana Juanita Judi Judith Judson Judy Jules
Juli Julia Julian Juliana Julianna Julianne Julie Juliet Juliette Julio Julius June Jung
Junior Justin Justina Justine Kaitlin Kaitlyn Kara Kareem Karen Kari Karin Karina Karl Karla
Karol Karon Karrie Karyn Kasey Kate Katelyn Katharine Katherine Katheryn Kathi Kathie
Kathleen Kathrine Kathryn Kathy Katie Katina Katrina Katy Kay Kaye Kayla Keenan Keisha Keith
Kelley Kelli Kellie Kelly Kelsey Kelvin Ken Kendall Kendra Kendrick Kenneth Kennith Kenny
Kent Kenton Kenya Keri Kermit Kerri Kerrie Kerry Kesha Keshia Keven Kevin Kia Kieth Kim
Kimberlee Kimberley Kimberly Kip Kira Kirby Kirk Kirsten Kisha Kitty Kory Kris Krista
Kristal Kristen Kristi Kristie Kristin Kristina Kristine Kristopher Kristy Krystal Krystle
Kurt Kurtis Kyla Kyle Kylie Lacey Lacy Ladonna Lakeisha Lakesha Lakisha Lamar Lamont Lan
Lana Lance Landon Lane Lanny Laquita Lara Larissa Larry Lashawn Lashonda Latanya Latasha
Latisha Latonia Latonya Latoya Latrice Latricia Laura Laurel Lauren Laurence Lauretta Lauri
Laurie Lavern Laverne Lavonne Lawanda Lawerence Lawrence Lazaro Lea Leah Leann Leanna Leanne
Lee Leeann Leigh Leila Leilani Lela Leland Lelia Lemuel Lena Lenard Lenny Lenora Lenore Leo
Leola Leon Leona Leonard Leonardo Leone Leonel Leonor Leonora Leopoldo Leora Leota Leroy Les
Lesa Lesley Leslie Lessie Lester Leta Letha Leticia Letitia Lettie Levi Lewis Lia Libby
Lidia Lila Lilia Lilian Liliana Lillian Lillie Lilly Lily Lina Lincoln Linda Lindsay Lindsey
Lindy Linwood Lionel Lisa Liz Liza Lizette Lizzie Lloyd Logan Lois Lola Lolita Lon Lona
Lonnie Lora Loraine Loren Lorena Lorene Lorenzo Loretta Lori Lorie Lorine Lorna Lorraine
Lorri Lorrie Lottie Lou Louann Louella Louie Louis Louisa Louise Lourdes Lowell Loyd Luann
Luanne Lucas Lucia Luciano Lucien Lucila Lucile Lucille Lucinda Lucio Lucretia Lucy Luella
Luis Luisa Luke Lula Lupe Lura Luther Luz Lydia Lyle Lyman Lyn Lynda Lyndon Lynette Lynn
Lynne Lynnette Ma Mabel Mable Mac Mack Madeleine Madeline Madelyn Madge Madonna Mae Magda
Magdalena Maggie Mai Major Majorie Malcolm Malinda Malissa Mallory Mamie Mandi Mandy Manuel
Manuela Mara Marc Marcel Marcela Marcelino Marcella Marcelle Marcelo Marci Marcia Marcie
Marco Marcos Marcus Marcy Margaret Margarita Margarito Marge Margery Margie Margo Margot
Margret Marguerite Mari Maria Mariah Mariam Marian Mariana Marianna Marianne Mariano Maribel
Maricela Marie Marietta Marilyn Marilynn Marina Mario Marion Marisa Marisela Marisol Marissa
Maritza Marjorie Marjory Mark Markus Marla Marlena Marlene Marlin Marlon Marlyn Marlys
Marquis Marquita Marsha Marshall Marta Martha Martin Martina Marty Marva Marvin Mary Maryann
Maryanne Marybeth Maryellen Maryjane Marylou Mason Mathew Matilda Matilde Matt Matthew
Mattie Maud Maude Maudie Maura Maureen Maurice Mauricio Maurine Mauro Mavis Max Maximo
Maxine Maxwell May Maya Mayme Maynard Mayra Mckinley Meagan Megan Meghan Mei Mel Melanie
Melba Melinda Melisa Melissa Mellisa Mellissa Melodie Melody Melva Melvin Melvina Mercedes
Meredith Merle Merlin Merrill Merry Mervin Mi Mia Micaela Micah Michael Michaela Micheal
Michel Michele Michell Michelle Mickey Migdalia Miguel Mike Mikel Milagros Mildred Miles
Milford Millard Millicent Millie Milo Milton Mimi Mina Mindy Minerva Minh Minnie Miranda
Miriam Mirna Missy Misti Misty Mitch Mitchel Mitchell Mitzi Mohamed Mohammad Mohammed Moises
Mollie Molly Mona Monica Monika Monique Monroe Monte Monty Morgan Morris Morton Moses Moshe
Mozelle Muriel Murray Myles Myra Myrna Myron Myrtis Myrtle Nadia Nadine Nakia Nan Nancy
Nanette Nannie Naomi Napoleon Natalia Natalie Natasha Nathalie Nathan Nathaniel Neal Ned
Nedra Neil Nelda Nell Nellie Nelly Nelson Nereida Nestor Nettie Neva Newton Nicholas Nichole
Nick Nicki Nickolas Nicolas Nicole Nigel Niki Nikita Nikki Nilda Nina Nita Noah Noble Noe
Noel Noelle Noemi Nola Nolan Nona Nora Norbert Norberto Noreen Norma Norman Normand Norris
Numbers Octavia Octavio Odell Odessa Odis Ofelia Ola Olen Oleta Olga Olin Olive Oliver
Olivia Ollie Oma Omar Omer Ona Opal Ophelia Ora Oralia Oren Orlando Orval Orville Oscar
Osvaldo Otis Otto Owen Pablo Paige Pam Pamala Pamela Pansy Parker Pasquale Pat Patrica
Patrice Patricia Patrick Patsy Patti Pattie Patty Paul Paula Paulette Paulina Pauline Pearl
Pearlie Pearline Pedro Peggy Penelope Penny Percy Perla Perry Pete Peter Petra Phil Philip
Phillip Phillis Philomena Phoebe Phyllis Pierre Pilar Polly Porfirio Portia Precious Preston
Pricilla Prince Princess Priscilla Queen Quentin Quincy Quinn Quintin Quinton Rachael
Racheal Rachel Rachelle Rae Rafael Rafaela Raleigh Ralph Ramiro Ramon Ramona Randal Randall
Randell Randi Randolph Randy Raphael Raquel Raul Raven Ray Raymond Raymundo Reba Rebeca
Rebecca Rebekah Reed Refugio Reggie Regina Reginald Reid Reina Reinaldo Rena Renae Renata
Renate Rene Renee Renita Reta Retha Reuben Reva Rex Reyes Reyna Reynaldo Rhea Rhoda Rhonda
Ricardo Rich Richard Richelle Richie Rick Rickey Rickie Ricky Rico Rigoberto Riley Rita Rob
Robbie Robbin Robby Robert Roberta Roberto Robin Robt Robyn Rocco Rochelle Rocio Rocky Rod
Roderick Rodger Rodney Rodolfo Rodrick Rodrigo Rogelio Roger Roland Rolando Rolland Roma
Roman Romeo Romona Ron Ronald Ronda Ronnie Ronny Roosevelt Rory Rosa Rosalba Rosalee Rosalia
Rosalie Rosalina Rosalind Rosalinda Rosalyn Rosanna Rosanne Rosario Roscoe Rose Roseann
Roseanne Rosella Roselyn Rosemarie Rosemary Rosendo Rosetta Rosie Rosita Roslyn Ross Rowena
Roxana Roxann Roxanna Roxanne Roxie Roy Royal Royce Ruben Rubin Ruby Rudolph Rudy Rufus
Rupert Russ Russel Russell Rusty Ruth Ruthie Ryan Sabina Sabrina Sadie Sal Sallie Sally
Salvador Salvatore Sam Samantha Samatha Sammie Sammy Samuel Sandi Sandra Sandy Sanford Sang
Santa Santiago Santos Sara Sarah Sasha Saul Saundra Savannah Scot Scott Scottie Scotty Sean
Sebastian Selena Selina Selma Serena Sergio Seth Seymour Shana Shanda Shane Shanna Shannon
Shanon Shantel Shari Sharlene Sharon Sharonda Sharron Sharyn Shaun Shauna Shawn Shawna
Shayla Sheena Sheila Shelby Sheldon Shelia Shelley Shelli Shellie Shelly Shelton Sheree
Sheri Sherman Sherri Sherrie Sherry Sheryl Shiela Shirley Shonda Sidney Sierra Silas Silvia
Simon Simone Socorro Sofia Sol Soledad Solomon Son Sondra Sonia Sonja Sonny Sonya Sophia
Sophie Spencer Stacey Staci Stacia Stacie Stacy Stan Stanford Stanley Stefan Stefanie Stella
Stephan Stephanie Stephany Stephen Stephenie Sterling Steve Steven Stevie Stewart Stuart Sue
Summer Sun Sung Sunny Susan Susana Susanna Susanne Susie Suzan Suzanna Suzanne Suzette Sybil
Sydney Sylvester Sylvia Tabatha Tabitha Tad Tamara Tameka Tamela Tamera Tami Tamika Tammi
Tammie Tammy Tamra Tana Tania Tanisha Tanner Tanya Tara Taryn Tasha Tatiana Tawana Taylor
Ted Teddy Tena Teodoro Tera Terence Teresa Teresita Teri Terra Terrance Terrell Terrence
Terri Terrie Terry Tessa Tessie Thad Thaddeus Thanh Thea Theda Thelma Theo Theodora Theodore
Theresa Therese Theron Thomas Thurman Tia Tiana Tiara Tiffani Tiffany Tillie Tim Timmy
Timothy Tina Tisha Tobias Toby Tod Todd Tom Tomas Tomasa Tommie Tommy Toni Tonia Tonja Tony
Tonya Tori Tory Tosha Tracey Traci Tracie Tracy Travis Trent Trenton Treva Trevor Trey
Tricia Trina Trinidad Trisha Trista Tristan Troy Trudy Truman Twila Twyla Ty Tyler Tyra
Tyree Tyrell Tyron Tyrone Tyson Ulysses Una Ursula Vada Valarie Valencia Valentin Valentina
Valentine Valeria Valerie Valorie Van Vance Vanessa Vaughn Veda Velda Velma Venessa Venus
Vera Verda Verla Vern Verna Vernell Vernice Vernon Veronica Vesta Vicente Vicki Vickie Vicky
Victor Victoria Vida Vikki Vilma Vince Vincent Viola Violet Violeta Virgie Virgil Virgina
Virginia Vito Vivian Viviana Vonda Wade Waldo Walker Wallace Walter Wanda Ward Warren Wayne
Weldon Wendell Wendi Wendy Werner Wesley Weston Whitney Wilbert Wilbur Wilburn Wilda Wiley
Wilford Wilfred Wilfredo Wilhelmina Will Willa Willard William Williams Willie Willis Willy
Wilma Wilmer Wilson Wilton Winfred Winifred Winnie Winona Winston Wm Woodrow Wyatt Xavier
Yadira Yesenia Yolanda Yong Young Yvette Yvonne Zachariah Zachary Zachery Zane Zelda Zella
Zelma Zenaida Zoe Zoila
"""
)
#: 1297 surnames, capitalised.
SURNAMES = _names(
    """
Abbott Acevedo Acosta Adams Adkins Aguilar Aguirre Akers Albert Alexander Alford Allen
Allison Alston Alvarado Alvarez Ames Amos Andersen Anderson Andrade Andrews Anthony Archer
Arias Armstrong Arnold Arrington Arroyo Arthur Ashley Atkins Atkinson Austin Avery Avila
Ayala Ayers Bacon Bailey Baird Baker Baldwin Ball Ballard Banks Barber Barker Barlow Barnes
Barnett Barr Barrera Barrett Barron Barry Bartlett Barton Bass Bates Battle Bauer Baxter
Beach Bean Beard Beasley Beatty Beck Becker Belcher Bell Beltran Bender Benjamin Bennett
Benson Bentley Benton Berg Berger Bergeron Bernard Berry Best Bingham Bird Bishop Black
Blackburn Blackwell Blair Blake Blanchard Bland Blankenship Blanton Blevins Blue Boggs
Bolden Bolton Bond Bonilla Bonner Booker Boone Booth Boucher Bowden Bowen Bowers Bowling
Bowman Boyce Boyd Boyer Boyle Bradford Bradley Bradshaw Brady Branch Brandon Brandt Braun
Bray Brennan Brewer Bridges Briggs Bright Britt Britton Brock Brooks Broussard Brown
Browning Bruce Bryan Bryant Buchanan Buck Buckley Buckner Bullock Bunch Burch Burgess Burke
Burks Burnett Burns Burris Burt Burton Bush Butler Butts Byers Byrd Byrne Cabrera Cain
Calderon Caldwell Calhoun Callahan Camacho Cameron Camp Campbell Campos Cannon Cantrell
Cantu Cardenas Carey Carlson Carlton Carney Carpenter Carr Carrillo Carroll Carson Carter
Cartwright Carver Case Casey Cash Castaneda Castillo Castro Cervantes Chamberlain Chambers
Chan Chandler Chaney Chang Chapman Chappell Charles Chase Chavez Chen Cherry Childers
Childress Childs Christensen Christian Christopher Church Cisneros Clark Clarke Clay Clayton
Clement Clements Clemons Cleveland Clifton Cline Cobb Cochran Coffey Coffman Cohen Cole
Coleman Collier Collins Colon Combs Compton Conley Conner Connor Conrad Contreras Conway
Cook Cooke Cooley Cooper Copeland Corbett Corbin Cordova Correa Cortez Costa Costello Cote
Cotton Couch Courtney Covington Cowan Cox Crabtree Craft Craig Cramer Crane Crawford
Crockett Crosby Cross Crouch Crow Crowe Crowley Crum Cruz Cuevas Cummings Cunningham Curry
Curtis Dailey Dale Dalton Daniel Daniels Daugherty Davenport David Davidson Davies Davila
Davis Dawson Day Dean Decker Dejesus Delacruz Delaney Delarosa Deleon Delgado Dempsey Dennis
Denton Diaz Dickerson Dickey Dickinson Dickson Dillard Dillon Dixon Dodd Dodson Dominguez
Donahue Donaldson Donovan Dooley Dorsey Dotson Dougherty Douglas Downey Downing Downs Doyle
Drake Dubois Dudley Duffy Duke Dunbar Duncan Dunlap Dunn Duran Durham Dye Dyer Eaton Edwards
Elder Eldridge Elkins Elliott Ellis Ellison Elmore Emerson Emery England English Erickson
Ervin Erwin Escobar Espinosa Espinoza Estes Estrada Evans Everett Ewing Farley Farmer
Farrell Farris Faulkner Felix Ferguson Fernandez Ferrell Field Fields Figueroa Finch Finley
Fischer Fisher Fitzgerald Fitzpatrick Flanagan Fleming Fletcher Flores Flowers Floyd Flynn
Foley Fontenot Forbes Ford Foreman Forrest Foster Fowler Fox Francis Franco Frank Franklin
Franks Frazier Frederick Freeman French Frey Friedman Fritz Frost Fry Frye Fuentes Fuller
Fulton Gagnon Gaines Gallagher Gallegos Galloway Galvan Gamble Garcia Gardner Garland Garner
Garrett Garrison Gary Garza Gates Gay Gentry George Gibbons Gibbs Gibson Gilbert Giles Gill
Gillespie Gilliam Gilmore Glass Glenn Glover Godfrey Goff Goins Goldberg Golden Goldstein
Gomez Gonzales Gonzalez Good Goodman Goodwin Gordon Gore Gorman Goss Gould Grace Grady
Graham Grant Graves Gray Green Greene Greenwood Greer Gregg Gregory Griffin Griffith Griggs
Grimes Gross Groves Guerra Guerrero Gunn Gunter Guthrie Gutierrez Guy Guzman Haas Hahn
Haines Hale Haley Hall Hamilton Hamm Hammond Hampton Hancock Haney Hanna Hansen Hanson
Harden Hardin Harding Hardy Harmon Harper Harrell Harrington Harris Harrison Hart Hartley
Hartman Harvey Hastings Hatcher Hatfield Hawkins Hayden Hayes Haynes Hays Head Heard Heath
Hebert Helms Henderson Hendricks Hendrickson Hendrix Henry Hensley Henson Herbert Herman
Hernandez Herrera Herring Herron Hess Hester Hewitt Hickey Hickman Hicks Higgins Hill
Hilliard Hilton Hines Hinkle Hinton Ho Hobbs Hodge Hodges Hoffman Hogan Holcomb Holden
Holder Holland Holley Hollis Holloway Holman Holmes Holt Hood Hooper Hoover Hopkins Hopper
Horn Horne Horton Hoskins House Houston Howard Howe Howell Hubbard Huber Hudson Huff Huffman
Hughes Hull Humphrey Hunt Hunter Hurley Hurst Hurt Hutchins Hutchinson Hyde Ibarra Ingram
Irwin Ivey Jackson Jacobs Jacobson James Jamison Jarvis Jefferson Jenkins Jennings Jensen
Jimenez John Johns Johnson Johnston Jones Jordan Joseph Joyce Joyner Juarez Justice Kaiser
Kane Katz Kaufman Keith Keller Kelley Kelly Kemp Kendall Kendrick Kennedy Kent Kerr Kessler
Key Kidd Kim Kimball King Kinney Kirby Kirk Kirkland Kirkpatrick Klein Kline Knapp Knight
Knowles Knox Koch Kramer Krause Krueger Kuhn Lacy Lake Lam Lamb Lambert Lancaster Landry
Lane Lang Langley Lara Larsen Larson Latham Law Lawrence Lawson Le Leach Leblanc Lee Lehman
Leon Leonard Leslie Lester Levine Levy Lewis Lindsay Lindsey Little Livingston Lloyd Locke
Lockhart Logan Long Lopez Lord Lott Love Lowe Lowery Lowry Lozano Lucas Lucero Lugo Luna
Lutz Lynch Lynn Lyon Lyons Macdonald Macias Mack Mackey Madden Maddox Madison Magee Mahoney
Maldonado Malone Maloney Manley Mann Manning Manuel Marks Marquez Marsh Marshall Martin
Martinez Mason Massey Mata Mathews Mathis Matthews Maxwell May Mayer Mayes Mayfield Maynard
Mayo Mays Mcallister Mcbride Mccabe Mccall Mccann Mccarthy Mccarty Mcclain Mcclure Mcconnell
Mccormick Mccoy Mccray Mccullough Mcdaniel Mcdermott Mcdonald Mcdowell Mcelroy Mcfadden
Mcfarland Mcgee Mcghee Mcgill Mcginnis Mcgowan Mcgrath Mcguire Mcintosh Mcintyre Mckay Mckee
Mckenzie Mckinney Mcknight Mclaughlin Mclean Mcleod Mcmahon Mcmillan Mcneil Mcpherson Meade
Meadows Medina Meeks Mejia Melendez Melton Mendez Mendoza Mercado Mercer Merrill Merritt
Meyer Meyers Michael Middleton Miles Miller Milligan Mills Milton Minor Miranda Mitchell
Mobley Molina Monroe Montes Montgomery Montoya Moody Moon Mooney Moore Mora Morales Moran
Moreno Morgan Morin Morris Morrison Morrow Morse Morton Moser Moses Mosley Moss Moyer
Mueller Mullen Mullins Muniz Munoz Murphy Murray Myers Nance Nash Navarro Neal Neely Nelson
Newell Newman Newsome Newton Nguyen Nichols Nicholson Nielsen Nieves Nix Nixon Noble Noel
Nolan Norman Norris Norton Norwood Novak Numbers Nunez Obrien Ochoa Oconnell Oconnor Odell
Odom Odonnell Oliver Olsen Olson Oneal Oneil Oneill Orozco Orr Ortega Ortiz Osborn Osborne
Owen Owens Pace Pacheco Padilla Pagan Page Paige Palmer Park Parker Parks Parrish Parsons
Pate Patel Patrick Patterson Patton Paul Payne Payton Pearce Pearson Peck Pena Pennington
Perez Perkins Perry Peters Petersen Peterson Petty Phelps Phillips Phipps Pickett Pierce
Pierson Pike Pineda Pittman Pitts Plummer Poe Polk Pollard Ponce Poole Pope Porter Potter
Potts Powell Powers Pratt Preston Price Prince Pritchard Proctor Pruitt Pryor Puckett Pugh
Quinn Quinones Rainey Ramirez Ramos Ramsey Randall Randolph Rangel Rankin Rasmussen Ratliff
Ray Raymond Reece Reed Reese Reeves Reid Reilly Reyes Reyna Reynolds Rhodes Rice Rich
Richard Richards Richardson Richmond Riddle Riggs Riley Rios Ritter Rivas Rivera Rivers
Roach Robbins Roberson Roberts Robertson Robinson Robles Rocha Rodgers Rodriguez Rodriquez
Roe Rogers Rojas Rollins Roman Romero Rosa Rosado Rosales Rosario Rose Ross Roth Rouse Rowe
Rowland Roy Rubio Rucker Ruiz Rush Russell Russo Rutherford Rutledge Ryan Salas Salazar
Salinas Sampson Samuels Sanchez Sanders Sandoval Sanford Santana Santiago Santos Sargent
Saunders Savage Sawyer Schaefer Schmidt Schmitt Schneider Schroeder Schultz Schwartz Scott
Sears Self Sellers Serrano Sewell Sexton Seymour Shafer Shaffer Shannon Sharp Sharpe Shaw
Shea Shelton Shepard Shepherd Sheppard Sherman Shields Shirley Shoemaker Short Silva Simmons
Simms Simon Simpson Sims Sinclair Singleton Skinner Slater Slaughter Sloan Small Smart Smith
Snell Snider Snow Snyder Solis Solomon Sosa Soto Sparks Spears Spence Spencer Spivey
Springer Stafford Stanford Stanley Stanton Stark Starr Steele Stein Stephens Stephenson
Sterling Stevens Stevenson Steward Stewart Stinson Stokes Stone Stout Strickland Strong
Stroud Stuart Suarez Sullivan Summers Sutton Swain Swanson Sweeney Sweet Sykes Talley Tanner
Tapia Tate Tatum Taylor Teague Terrell Terry Thomas Thompson Thornton Thurman Tillman Tipton
Todd Tolbert Torres Townsend Tracy Tran Travis Trent Trevino Trujillo Tucker Turner Tuttle
Tyler Tyson Underwood Valdez Valencia Valentine Valenzuela Vance Vang Vargas Vasquez Vaughan
Vaughn Vazquez Vega Velasquez Velazquez Velez Vickers Vigil Villa Villanueva Villarreal
Vincent Vinson Wade Wagner Walden Walker Wall Wallace Waller Walls Walsh Walter Walters
Walton Wang Ward Ware Warner Warren Washington Waters Watkins Watson Watts Weaver Webb
Webber Weber Webster Weeks Weiss Welch Wells Welsh Werner West Weston Whaley Wheeler
Whitaker White Whitehead Whitfield Whitley Whitney Wiggins Wilcox Wilder Wiley Wilkerson
Wilkins Wilkinson William Williams Williamson Willis Wills Wilson Winston Winter Winters
Wise Witt Wolf Wolfe Womack Wong Wood Woodard Woodruff Woods Woodward Wooten Workman Worley
Wright Wyatt Wynn Yang Yarbrough Yates Yoder York Young Zamora Zimmerman Zuniga
"""
)
